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
}

/// Turns directory listings into recording rows: pairs audio with sidecar by stem, waits for
/// both to settle, probes, validates, hashes and claims the `clientUniqueId` — each step one
/// committed transition. Runs one poll at a time (an actor), blocking I/O off the cooperative pool.
public actor SpoolIntake {
    private let settings: SpoolSettings
    private let store: StateStore
    private let clock: any WallClock
    private let logger: Logger
    private let scanner: SpoolScanner
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
        self.scanner = SpoolScanner(root: settings.directory, recursive: settings.recursive)
        self.evaluator = RecordingEvaluator(root: settings.directory, assembler: try RequestAssembler(config: config))
        self.users = users ?? UserDirectoryProvider(settings: config.users, store: store, logger: logger)
        self.sidecarExtension = config.metadata.effectiveSidecarExtension
        self.cdr = config.metadata.cdr.map(CDRIndex.init(settings:))
    }

    /// One pass: scan, then advance every stem that needs it.
    @discardableResult
    public func poll() async throws -> IntakeSummary {
        let scanner = self.scanner
        let scan = try await BlockingIO.run { scanner.scan() }
        for skipped in scan.skipped where warned.insert(skipped.relativePath).inserted {
            logger.warning("spool entry skipped", metadata: ["path": "\(skipped.relativePath)", "reason": "\(skipped.reason)"])
        }
        var groups: [String: PairGroup] = [:]
        for entry in scan.entries {
            if MediaKind(fileExtension: entry.fileExtension) != nil {
                groups[entry.stem, default: PairGroup(sidecarExtension: sidecarExtension)].audio.append(entry)
            } else if let sidecarExtension, entry.fileExtension.lowercased() == sidecarExtension {
                groups[entry.stem, default: PairGroup(sidecarExtension: sidecarExtension)].sidecar = entry
            }
        }
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
        let known = try await store.latestByStem()
        var summary = IntakeSummary(filesSeen: scan.entries.count)
        stuck = []
        for stem in groups.keys.sorted() {
            guard let group = groups[stem] else { continue }
            let state = try await advance(stem: stem, group: group, row: known[stem])
            switch state {
            case .ready?: summary.becameReady += 1
            case .rejected?: summary.rejected += 1
            case .pending?:
                summary.pending += 1
                if group.isComplete, !stuck.contains(stem) { summary.settling += 1 }
            default: break
            }
        }
        for (stem, row) in known where groups[stem] == nil && row.state == .pending {
            if let id = row.id { try await store.deletePending(id) }
        }
        return summary
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
