import Foundation
import Logging

/// What one poll did, for logs, tests and `run --once`.
public struct IntakeSummary: Sendable, Equatable {
    /// Files seen.
    public var filesSeen = 0
    /// Rows that became `ready`.
    public var becameReady = 0
    /// Rows that became `rejected`.
    public var rejected = 0
    /// Rows still `pending`.
    public var pending = 0
    /// Pending pairs still settling: they will be examined on a later poll.
    public var settling = 0
    /// Whether this poll listed every directory.
    public var fullRescan = false
}

/// Turns directory listings into recording rows: pairs audio with sidecar by stem, waits for
/// both to settle, probes, validates, hashes and claims the `clientUniqueId` — each step one
/// committed transition. Runs one poll at a time (an actor), blocking I/O off the cooperative pool.
public actor SpoolIntake {
    private let settings: SpoolSettings
    private let store: StateStore
    private let clock: any WallClock
    private let logger: Logger
    private let walk: SpoolWalk
    /// Directory mtimes as of the last poll (`nil` until the first poll loads them).
    private var knownDirectories: [String: DirectoryState]?
    private var lastFullRescan: Date?
    private var fullRescanRequested = false
    /// Stems still `pending`, with their files: re-stated every poll until taken.
    private var active: [String: PairGroup] = [:]
    private let evaluator: RecordingEvaluator
    private var warned: Set<String> = []
    /// Stems whose media header said "not finished" in this poll (they are not merely settling).
    private var stuck: Set<String> = []
    /// Files last modified before this are recorded as `skipped` when first seen.
    private var backfillCutoff: Date?
    /// The user mapping as of this poll.
    private var directory = UserDirectory()

    /// Sets the backfill cutoff fixed on first start (see ``StateStore/backfillCutoff(_:now:)``).
    public func setBackfillCutoff(_ cutoff: Date?) {
        backfillCutoff = cutoff
    }

    private let users: UserDirectoryProvider
    private var usersGeneration = 0
    private let sidecarExtension: String?
    private var cdr: CDRIndex?

    /// Creates the intake for the spool of `config`; `users` defaults to a provider over `config.users`.
    public init(config: Configuration, store: StateStore, clock: any WallClock, logger: Logger, users: UserDirectoryProvider? = nil) throws(ConfigurationError) {
        self.settings = config.spool
        self.store = store
        self.clock = clock
        self.logger = logger
        self.walk = SpoolWalk(root: settings.directory, recursive: settings.recursive)
        self.evaluator = RecordingEvaluator(root: settings.directory, assembler: try RequestAssembler(config: config))
        self.users = users ?? UserDirectoryProvider(settings: config.users, store: store, logger: logger)
        self.sidecarExtension = config.metadata.effectiveSidecarExtension
        self.cdr = config.metadata.cdr.map(CDRIndex.init(settings:))
    }

    /// One pass: walk what changed, then advance every stem that needs it. Directories whose
    /// mtime is unchanged are not listed; the files intake still waits for are re-stated; every
    /// `spool.fullRescanMinutes` (and on request, e.g. after an inotify overflow) everything is
    /// listed again as the correctness net. Rows are looked up per directory, never all at once.
    @discardableResult
    public func poll() async throws -> IntakeSummary {
        directory = try await users.current()
        let generation = await users.generation
        if generation != usersGeneration {
            usersGeneration = generation
            let requeued = try await store.requeueUserHolds(now: clock.now())
            if requeued > 0 {
                logger.info("user mapping changed; held recordings examined again", metadata: ["count": "\(requeued)"])
            }
        }
        if let current = cdr {
            cdr = try await BlockingIO.run {
                var index = current
                index.refresh()
                return index
            }
        }
        let now = clock.now()
        if knownDirectories == nil {
            knownDirectories = try await store.directories()
            lastFullRescan = try await store.lastFullRescan()
        }
        // Rows sent back to `pending` by others (a file changed before upload, `retry`, a user
        // mapping change) join the working set: their files are looked at again this poll.
        for row in try await store.pendingRows() where active[row.stem] == nil {
            var group = PairGroup(sidecarExtension: sidecarExtension)
            if let audio = row.audioPath { group.audio = [SpoolEntry(relativePath: audio, size: 0, mtimeNs: 0, inode: 0)] }
            if let sidecar = row.sidecarPath { group.sidecar = SpoolEntry(relativePath: sidecar, size: 0, mtimeNs: 0, inode: 0) }
            active[row.stem] = group
        }
        let known = knownDirectories ?? [:]
        let full = fullRescanRequested || lastFullRescan.map { now.timeIntervalSince($0) >= settings.fullRescanMinutes * 60 } ?? true
        fullRescanRequested = false
        var index: [String: [String]] = [:]
        for path in known.keys where !path.isEmpty {
            index[Self.parent(of: path), default: []].append(path)
        }
        let children = index
        var summary = IntakeSummary()
        summary.fullRescan = full
        stuck = []
        var listed: Set<String> = []
        var seen: Set<String> = []
        var changed: [String: DirectoryState] = [:]
        var gone: [String] = []
        var queue = [""]
        let walk = self.walk
        let nowNs = Int64(now.timeIntervalSince1970 * 1e9)
        repeat {
            let pending = queue
            let step = try await BlockingIO.run {
                walk.step(queue: pending, known: known, children: children, full: full, nowNs: nowNs, entryBudget: 20_000)
            }
            queue = step.remaining
            gone += step.gone
            for listing in step.listings {
                listed.insert(listing.path)
                if known[listing.path] != listing.state { changed[listing.path] = listing.state }
                for skipped in listing.skipped where warned.insert(skipped.relativePath).inserted {
                    logger.warning("spool entry skipped", metadata: ["path": "\(skipped.relativePath)", "reason": "\(skipped.reason)"])
                }
                summary.filesSeen += listing.entries.count
                var groups: [String: PairGroup] = [:]
                for entry in listing.entries {
                    if MediaKind(fileExtension: entry.fileExtension) != nil {
                        groups[entry.stem, default: PairGroup(sidecarExtension: sidecarExtension)].audio.append(entry)
                    } else if let sidecarExtension, entry.fileExtension.lowercased() == sidecarExtension {
                        groups[entry.stem, default: PairGroup(sidecarExtension: sidecarExtension)].sidecar = entry
                    }
                }
                if full { seen.formUnion(groups.keys) }
                // Stems intake was waiting for whose files left this directory.
                let vanished = active.keys.filter { Self.parent(of: $0) == listing.path && groups[$0] == nil }
                try await forget(vanished)
                try await advance(groups, summary: &summary)
            }
        } while !queue.isEmpty
        if gone.contains("") {
            logger.error("spool directory missing or not a directory", metadata: ["spool": "\(settings.directory)"])
        }
        // Files intake is still waiting for, in directories that did not change: look again.
        let waiting = active.filter { !listed.contains(Self.parent(of: $0.key)) }
        if !waiting.isEmpty {
            let restated = try await BlockingIO.run {
                waiting.mapValues { group -> PairGroup in
                    var fresh = PairGroup(sidecarExtension: group.sidecarExtension)
                    fresh.audio = group.audio.compactMap { walk.restat($0.relativePath) }
                    fresh.sidecar = group.sidecar.flatMap { walk.restat($0.relativePath) }
                    return fresh
                }
            }
            summary.filesSeen += restated.values.reduce(0) { $0 + $1.audio.count + ($1.sidecar == nil ? 0 : 1) }
            try await forget(restated.filter { $0.value.audio.isEmpty && $0.value.sidecar == nil }.map(\.key))
            try await advance(restated.filter { !$0.value.audio.isEmpty || $0.value.sidecar != nil }, summary: &summary)
        }
        // Remember what changed; forget vanished directories and everything below them.
        let removed = known.keys.filter { path in gone.contains { path == $0 || path.hasPrefix($0 + "/") } && !path.isEmpty }
        try await store.saveDirectories(changed: changed, removed: removed)
        var updated = known.merging(changed) { $1 }
        for path in removed { updated.removeValue(forKey: path) }
        knownDirectories = updated
        if full {
            for row in try await store.pendingRows() where !seen.contains(row.stem) {
                if let id = row.id { try await store.deletePending(id) }
                active.removeValue(forKey: row.stem)
            }
            lastFullRescan = now
            try await store.setLastFullRescan(now)
        }
        return summary
    }

    /// Asks the next poll to list everything (e.g. after an inotify queue overflow).
    public func requestFullRescan() {
        fullRescanRequested = true
    }

    /// Advances `groups` (stems of one directory, or re-stated ones), rows fetched together.
    private func advance(_ groups: [String: PairGroup], summary: inout IntakeSummary) async throws {
        guard !groups.isEmpty else { return }
        // Most stems of a listed folder are long finished with unchanged files: settle those on
        // a light query, and read whole rows only for the rest.
        let light = try await store.latestFingerprints(stems: Array(groups.keys))
        var needed: [String] = []
        for (stem, group) in groups {
            if let stored = light[stem], stored.state.isInFlight || stored.state == .skipped
                || (stored.state != .pending && stored.fingerprint == group.fingerprint) {
                active.removeValue(forKey: stem)
            } else {
                needed.append(stem)
            }
        }
        guard !needed.isEmpty else { return }
        let rows = try await store.latestRows(stems: needed)
        for stem in needed.sorted() {
            guard let group = groups[stem] else { continue }
            let state = try await advance(stem: stem, group: group, row: rows[stem])
            switch state {
            case .ready?: summary.becameReady += 1
            case .rejected?: summary.rejected += 1
            case .pending?:
                summary.pending += 1
                if group.isComplete, !stuck.contains(stem) { summary.settling += 1 }
            default: break
            }
            if state == .pending { active[stem] = group } else { active.removeValue(forKey: stem) }
        }
    }

    /// Drops stems whose files are gone: their `pending` rows go too (nothing was taken).
    private func forget(_ stems: [String]) async throws {
        guard !stems.isEmpty else { return }
        let rows = try await store.latestRows(stems: stems)
        for stem in stems {
            active.removeValue(forKey: stem)
            if let row = rows[stem], row.state == .pending, let id = row.id { try await store.deletePending(id) }
        }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// Advances one stem; returns the row's state afterwards when intake touched it.
    private func advance(stem: String, group: PairGroup, row: Recording?) async throws -> RecordingState? {
        let now = clock.now()
        let fingerprint = group.fingerprint
        guard let row, let id = row.id else {
            var fresh = Recording(stem: stem, now: now)
            fingerprint.apply(to: &fresh)
            fresh.reason = group.waitingReason(stem: stem)
            let newest = max(group.audio.map(\.mtimeNs).max() ?? 0, group.sidecar?.mtimeNs ?? 0)
            if let cutoff = backfillCutoff, Double(newest) / 1e9 < cutoff.timeIntervalSince1970 {
                fresh.state = .skipped
                fresh.reason = "older than the backfill cutoff \(ISOTimestamp.format(cutoff)) (spool.backfill); `gongspool retry` takes it"
            }
            let inserted = try await store.insert(fresh)
            logger.debug("recording seen", metadata: ["stem": "\(stem)", "row": "\(inserted.id ?? 0)"])
            return inserted.state
        }
        if row.state.isInFlight { return nil }
        if row.state == .skipped { return nil }
        if row.state == .done || row.state == .duplicate {
            guard Fingerprint(row) != fingerprint else { return nil }
            var fresh = Recording(stem: stem, now: now)
            fingerprint.apply(to: &fresh)
            fresh.reason = "new files under a name already delivered"
            _ = try await store.insert(fresh)
            return .pending
        }
        if Fingerprint(row) != fingerprint {
            if row.state != .pending {
                try await store.transition(id, to: .pending, reason: "files changed; examining them again", now: now) { fingerprint.apply(to: &$0); $0.stableSince = now }
            } else {
                try await store.observe(id, now: now) { fingerprint.apply(to: &$0); $0.stableSince = now }
            }
            return .pending
        }
        guard row.state == .pending else { return nil }
        let quiet = now.timeIntervalSince(row.stableSince)
        guard quiet >= settings.settleSeconds else { return .pending }
        let orphanAfter = settings.orphanAfterMinutes * 60
        guard let audio = group.audio.first, group.isComplete else {
            if quiet >= orphanAfter {
                let reason = group.audio.isEmpty ? "sidecar \(group.sidecar?.relativePath ?? stem) has no audio file" : "audio \(group.audio[0].relativePath) has no sidecar \(stem).\(sidecarExtension ?? "")"
                try await store.transition(id, to: .orphaned, reason: reason, errorCode: "orphaned", now: now)
                logger.warning("recording orphaned", metadata: ["stem": "\(stem)", "reason": "\(reason)"])
                return .orphaned
            }
            return .pending
        }
        if group.audio.count > 1 {
            let names = group.audio.map(\.relativePath).joined(separator: ", ")
            return try await reject(id, code: "ambiguous_audio", reason: "several audio files share one sidecar: \(names)", now: now)
        }
        let evaluator = self.evaluator
        let (sidecar, directory, cdr) = (group.sidecar, self.directory, self.cdr)
        let waitForCDR = quiet < orphanAfter
        let evaluation = try await BlockingIO.run { evaluator.evaluate(audio: audio, sidecar: sidecar, directory: directory, cdr: cdr, waitForCDR: waitForCDR) }
        switch evaluation {
        case .changed:
            try await store.observe(id, now: now) { $0.stableSince = now }
            return .pending
        case .incomplete(let why):
            stuck.insert(stem)
            if quiet >= orphanAfter {
                return try await reject(id, code: "media_incomplete", reason: "\(why), unchanged for \(Int(quiet / 60)) minutes (truncated?)", now: now)
            }
            if row.reason != why {
                try await store.observe(id, now: now) { $0.reason = why }
            }
            return .pending
        case .rejected(let code, let reason):
            return try await reject(id, code: code, reason: reason, now: now)
        case .held(let code, let reason):
            try await store.transition(id, to: .held, reason: reason, errorCode: code, now: now)
            logger.warning("recording held", metadata: ["stem": "\(stem)", "code": "\(code)", "reason": "\(reason)"])
            return .held
        case .accepted(let accepted):
            let claimed = try await store.claim(id, clientUniqueId: accepted.request.clientUniqueId, sha256: accepted.sha256, now: now) {
                $0.requestJSON = accepted.request.canonicalJSON
                $0.mediaKind = accepted.media.kind.rawValue
            }
            logger.info("recording taken", metadata: [
                "stem": "\(stem)", "clientUniqueId": "\(accepted.request.clientUniqueId)", "state": "\(claimed.state.rawValue)",
            ])
            return claimed.state
        }
    }

    private func reject(_ id: Int64, code: String, reason: String, now: Date) async throws -> RecordingState {
        try await store.transition(id, to: .rejected, reason: reason, errorCode: code, now: now)
        logger.warning("recording rejected", metadata: ["row": "\(id)", "code": "\(code)", "reason": "\(reason)"])
        return .rejected
    }
}

/// The files of one stem in one scan.
struct PairGroup {
    /// The sidecar looked for (`nil`: recordings come without one).
    let sidecarExtension: String?
    var audio: [SpoolEntry] = []
    var sidecar: SpoolEntry?

    /// Audio present, and the sidecar too when one is expected.
    var isComplete: Bool { !audio.isEmpty && (sidecar != nil || sidecarExtension == nil) }

    var fingerprint: Fingerprint {
        let a = audio.sorted { $0.relativePath < $1.relativePath }.first
        return Fingerprint(audioPath: a?.relativePath, size: a?.size, mtimeNs: a?.mtimeNs, inode: a?.inode,
                           sidecarPath: sidecar?.relativePath, sidecarSize: sidecar?.size, sidecarMtimeNs: sidecar?.mtimeNs)
    }

    func waitingReason(stem: String) -> String {
        if audio.isEmpty { return "waiting for the audio file" }
        if sidecar == nil, let sidecarExtension { return "waiting for sidecar \(stem).\(sidecarExtension)" }
        return "waiting for the files to settle"
    }
}

/// What identifies "the same files" between two scans.
struct Fingerprint: Equatable, Sendable {
    var audioPath: String?, size: Int64?, mtimeNs: Int64?, inode: Int64?
    var sidecarPath: String?, sidecarSize: Int64?, sidecarMtimeNs: Int64?

    init(audioPath: String?, size: Int64?, mtimeNs: Int64?, inode: Int64?, sidecarPath: String?, sidecarSize: Int64?, sidecarMtimeNs: Int64?) {
        self.audioPath = audioPath
        self.size = size
        self.mtimeNs = mtimeNs
        self.inode = inode
        self.sidecarPath = sidecarPath
        self.sidecarSize = sidecarSize
        self.sidecarMtimeNs = sidecarMtimeNs
    }

    init(_ row: Recording) {
        self.init(audioPath: row.audioPath, size: row.size, mtimeNs: row.mtimeNs, inode: row.inode,
                  sidecarPath: row.sidecarPath, sidecarSize: row.sidecarSize, sidecarMtimeNs: row.sidecarMtimeNs)
    }

    func apply(to row: inout Recording) {
        row.audioPath = audioPath
        row.size = size
        row.mtimeNs = mtimeNs
        row.inode = inode
        row.sidecarPath = sidecarPath
        row.sidecarSize = sidecarSize
        row.sidecarMtimeNs = sidecarMtimeNs
    }
}
