import Foundation

/// What the archive holds, as the last sweep saw it (kept in the state for `status`).
public struct ArchiveSummary: Sendable, Equatable {
    /// Regular files in the archive.
    public var files = 0
    /// Their bytes.
    public var bytes: Int64 = 0
    /// The oldest file's time (the recording's), if any.
    public var oldest: Date?
    /// When the archive was looked at.
    public var checkedAt: Date

    /// The meta value: `files bytes oldest|- checkedAt` (seconds since the epoch).
    var text: String {
        let seconds = { (date: Date) in String(Bounded.int(date.timeIntervalSince1970.rounded(.down)) ?? 0) }
        return "\(files) \(bytes) \(oldest.map(seconds) ?? "-") \(seconds(checkedAt))"
    }

    /// Reads ``text``; `nil` when it is not that.
    public init?(text: String) {
        let parts = text.split(separator: " ")
        // Whole seconds, as ``text`` writes them: no float from the state becomes a date.
        guard parts.count == 4, let files = Int(parts[0]), let bytes = Int64(parts[1]), let checked = Int64(parts[3]) else { return nil }
        self.files = files
        self.bytes = bytes
        oldest = Int64(parts[2]).map { Date(timeIntervalSince1970: Double($0)) }
        checkedAt = Date(timeIntervalSince1970: Double(checked))
    }

    init(checkedAt: Date) {
        self.checkedAt = checkedAt
    }

    /// Counts `entry` in (sizes saturate: a file system's number is not trusted to fit).
    mutating func count(_ entry: SpoolEntry) {
        files += 1
        let (sum, overflow) = bytes.addingReportingOverflow(max(0, entry.size))
        bytes = overflow ? Int64.max : sum
        let time = Date(timeIntervalSince1970: Double(entry.mtimeNs) / 1e9)
        oldest = min(oldest ?? time, time)
    }
}

/// `archive.retentionDays`: deletes the archived files of delivered recordings older than the
/// retention, and notes what the archive holds. A file goes only when the state says its
/// recording is `done` and names that very file (a stray file, one of a recording not done, one
/// whose row was pruned away stays); a file is deleted through ``AfterUploadAction`` (reached
/// without following links, and only while it is the file listed); symbolic links in the
/// archive are never followed. Blocking file work runs via ``BlockingIO``.
public struct ArchiveRetention: Sendable {
    /// The archive's root (`spool.archiveDirectory`).
    public let root: String
    /// Days kept (0: for ever; the archive is only measured).
    public let retentionDays: Double
    let store: any IntakeStore & MetaStore
    let clock: any WallClock

    /// A sweep of `root` keeping files `retentionDays`.
    public init(root: String, retentionDays: Double, store: any IntakeStore & MetaStore, clock: any WallClock) {
        self.root = root
        self.retentionDays = retentionDays
        self.store = store
        self.clock = clock
    }

    /// What one sweep did.
    public struct Outcome: Sendable, Equatable {
        /// Files deleted.
        public var deleted: [String] = []
        /// The archive afterwards.
        public var summary: ArchiveSummary
    }

    /// Lists the archive, deletes what the retention and the state allow, keeps the summary.
    public func sweep() async throws -> Outcome {
        let now = clock.now()
        let cutoffNs = Bounded.nanoseconds(now.addingTimeInterval(-retentionDays * 86_400))
        let walk = SpoolWalk(root: root, recursive: true)
        var summary = ArchiveSummary(checkedAt: now)
        var deleted: [String] = []
        var queue = [""]
        while let directory = queue.popLast() {
            let listing = try await BlockingIO.run { walk.list(directory, mtimeNs: 0) }
            queue += listing.subdirectories
            let old = retentionDays > 0 ? listing.entries.filter { $0.mtimeNs < cutoffNs } : []
            let gone = Set(try await deleteDelivered(old))
            deleted += gone
            for entry in listing.entries where !gone.contains(entry.relativePath) { summary.count(entry) }
        }
        try await store.setMeta(.archiveSummary, summary.text)
        return Outcome(deleted: deleted, summary: summary)
    }

    /// Deletes those of `entries` whose recording is `done` and names the file; returns their paths.
    private func deleteDelivered(_ entries: [SpoolEntry]) async throws -> [String] {
        guard !entries.isEmpty else { return [] }
        let stems = Array(Set(entries.map(\.stem)))
        let rows = try await store.latestRows(stems: stems)
        let deletable = entries.filter { entry in
            guard let row = rows[entry.stem], row.state == .done else { return false }
            return row.audioPath == entry.relativePath || row.sidecarPath == entry.relativePath
        }
        guard !deletable.isEmpty else { return [] }
        let action = AfterUploadAction.deleting(under: root)
        var deleted: [String] = []
        for entry in deletable {
            let taken = TakenFile(relativePath: entry.relativePath, size: entry.size, mtimeNs: entry.mtimeNs, inode: entry.inode)
            if let report = try? await BlockingIO.run({ try action.apply(to: [taken]) }), report.leftInPlace.isEmpty {
                deleted.append(entry.relativePath)
            }
        }
        return deleted
    }
}
