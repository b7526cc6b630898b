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
        "\(files) \(bytes) \(oldest.map { String(Int64($0.timeIntervalSince1970)) } ?? "-") \(Int64(checkedAt.timeIntervalSince1970))"
    }

    /// Reads ``text``; `nil` when it is not that.
    public init?(text: String) {
        let parts = text.split(separator: " ")
        guard parts.count == 4, let files = Int(parts[0]), let bytes = Int64(parts[1]), let checked = Double(parts[3]) else { return nil }
        self.files = files
        self.bytes = bytes
        oldest = Double(parts[2]).map { Date(timeIntervalSince1970: $0) }
        checkedAt = Date(timeIntervalSince1970: checked)
    }

    init(checkedAt: Date) {
        self.checkedAt = checkedAt
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
        var outcome = Outcome(summary: summary)
        var queue = [""]
        while let directory = queue.popLast() {
            let listing = try await BlockingIO.run { walk.list(directory, mtimeNs: 0) }
            queue += listing.subdirectories
            var old: [SpoolEntry] = []
            for entry in listing.entries {
                if retentionDays > 0, entry.mtimeNs < cutoffNs {
                    old.append(entry)
                } else {
                    summary.files += 1
                    summary.bytes += entry.size
                    let time = Date(timeIntervalSince1970: Double(entry.mtimeNs) / 1e9)
                    summary.oldest = min(summary.oldest ?? time, time)
                }
            }
            let deleted = try await deleteDelivered(old)
            outcome.deleted += deleted
            for entry in old where !deleted.contains(entry.relativePath) {
                summary.files += 1
                summary.bytes += entry.size
                let time = Date(timeIntervalSince1970: Double(entry.mtimeNs) / 1e9)
                summary.oldest = min(summary.oldest ?? time, time)
            }
        }
        outcome.summary = summary
        try await store.setMeta(.archiveSummary, summary.text)
        return outcome
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
        var settings = SpoolSettings()
        settings.directory = root
        settings.afterUpload = .delete
        let action = AfterUploadAction(settings: settings)
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
