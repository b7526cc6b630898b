import Foundation
import Logging

/// Turns directory listings into recordings: pairs audio with sidecar by stem, waits for both
/// to settle, probes, validates, hashes and claims the `clientUniqueId`, reporting each finding
/// to the recording's lifecycle through the store. Runs one poll at a time (an actor); blocking
/// I/O runs off the cooperative pool.
public actor SpoolIntake {
    let settings: SpoolSettings
    /// What happens to the files of a recording the privacy policy excludes.
    let excludedFiles: ExcludedFiles
    let store: any IntakeRoles
    let clock: any WallClock
    let logger: Logger
    private let walk: SpoolWalk
    /// Directory mtimes as of the last poll (`nil` until the first poll loads them).
    private var knownDirectories: [String: DirectoryState]?
    private var lastFullRescan: Date?
    private var fullRescanRequested = false
    /// Stems still `pending`, with their files: re-stated every poll until taken.
    private var active: [String: PairGroup] = [:]
    /// Whether this node ran the spool's intake at the last poll (in a fleet, one node per spool does).
    private var leading = true
    /// Examines a recording's files (its never-send policy extended by the erasures in the state).
    var evaluator: RecordingEvaluator
    /// The configuration's never-send policy, before the erasures are added.
    private let configuredPolicy: NeverSendPolicy
    /// The erasures the policy holds (how many: they are only ever added).
    private var erasuresKnown = 0
    /// Polls so far, and the poll in which the erasures were last read.
    private var polls = 0
    private var erasuresReadInPoll = -1
    private var warned: Set<String> = []
    /// Stems whose media header said "not finished" in this poll (they are not merely settling).
    var stuck: Set<String> = []
    /// Stems waiting for the user mapping: examined again when it changes.
    var awaitingUsers: Set<String> = []
    /// Files last modified before this are recorded as `skipped` when first seen.
    var backfillCutoff: Date?
    /// The user mapping as of this poll.
    var directory = UserDirectory()
    private let users: UserDirectoryProvider
    private var usersGeneration = 0
    let sidecarExtension: String?
    /// `users.unmapped`.
    let unmappedUsers: UnmappedUsers
    var cdr: CDRIndex?
    let health: DaemonHealth?
    /// What the last poll found wrong with the spool directory (`.none` before the first poll).
    private var spoolProblem: String?? = .none
    /// Set when renewing the intake lease during long work failed (``whileAlive(_:_:)``).
    var intakeLeaseLost = false
    /// How often long work beats the watchdog and renews the intake lease.
    var keepAliveInterval: Duration = .seconds(5)

    /// Sets the backfill cutoff fixed on first start (see ``StateStore/backfillCutoff(_:now:)``).
    public func setBackfillCutoff(_ cutoff: Date?) {
        backfillCutoff = cutoff
    }

    /// Creates the intake for the spool of `config`; `users` defaults to a provider over
    /// `config.users`; every step of a poll is reported to `health` (the watchdog).
    public init(
        config: Configuration, store: any IntakeRoles, clock: any WallClock, logger: Logger, users: UserDirectoryProvider? = nil,
        health: DaemonHealth? = nil
    ) throws(ConfigurationError) {
        self.settings = config.spool
        self.excludedFiles = config.privacy.excludedFiles
        self.store = store
        self.clock = clock
        self.logger = logger
        self.walk = SpoolWalk(root: settings.directory, recursive: settings.recursive)
        let assembler = try RequestAssembler(config: config)
        self.evaluator = RecordingEvaluator(root: settings.directory, assembler: assembler, checks: ContentChecks(settings))
        self.configuredPolicy = assembler.policy
        self.users = users ?? UserDirectoryProvider(settings: config.users, store: store, logger: logger)
        self.sidecarExtension = config.metadata.effectiveSidecarExtension
        self.unmappedUsers = config.users.unmapped
        self.cdr = config.metadata.cdr.map(CDRIndex.init(settings:))
        self.health = health
    }

    /// The name of intake's loop for the watchdog.
    public static let loopName = "intake"

    /// Asks the next poll to list everything (e.g. after an inotify queue overflow).
    public func requestFullRescan() {
        fullRescanRequested = true
    }

    /// One pass: walk what changed, then advance every stem that needs it. Directories whose
    /// mtime is unchanged are not listed; the files intake still waits for are re-stated; every
    /// `spool.fullRescanMinutes` (and on request, e.g. after an inotify overflow) everything is
    /// listed again as the correctness net. Rows are looked up per directory, never all at once.
    /// A directory that cannot be listed hides nothing: its recordings are not taken for gone.
    @discardableResult
    public func poll() async throws -> IntakeSummary {
        polls += 1
        guard try await store.mayRunIntake() else {
            if leading {
                logger.info("another node takes this spool's recordings in; standing by to take over")
                leading = false
            }
            return IntakeSummary()
        }
        if !leading {
            // What another node did meanwhile is in the store, not in this node's memory.
            logger.info("taking this spool's recordings in")
            leading = true
            knownDirectories = nil
            active = [:]
            fullRescanRequested = true
        }
        try await refreshMappings()
        let now = clock.now()
        if knownDirectories == nil {
            knownDirectories = try await store.directories()
            lastFullRescan = try await store.lastFullRescan()
        }
        // Rows sent back to `pending` by others (a file changed before upload, `retry`, a user
        // mapping change) join the working set: their files are looked at again this poll.
        let pendingRows = try await store.pendingRows()
        for row in pendingRows where active[row.stem] == nil {
            active[row.stem] = PairGroup(row: row, sidecarExtension: sidecarExtension)
        }
        let known = knownDirectories ?? [:]
        // An operator asked for everything to be listed (`forget`) since the last full listing.
        let asked = try await store.metaDate(.rescanRequested).map { asked in lastFullRescan.map { asked >= $0 } ?? true } ?? false
        let full =
            fullRescanRequested || asked || lastFullRescan.map { now.timeIntervalSince($0) >= settings.fullRescanMinutes * 60 } ?? true
        fullRescanRequested = false
        var summary = IntakeSummary()
        summary.fullRescan = full
        stuck = []
        var pass = Pass()
        // A full listing only needs to know which *pending* stems it saw (memory stays bounded by
        // the pending rows, not by the history).
        pass.watched = full ? Set(pendingRows.map(\.stem)) : []
        var queue = [""]
        let walk = self.walk
        let children = Self.children(of: known)
        let nowNs = Bounded.nanoseconds(now)
        repeat {
            let pending = queue
            let step = try await BlockingIO.run {
                walk.step(queue: pending, known: known, children: children, full: full, nowNs: nowNs, entryBudget: 20_000)
            }
            queue = step.remaining
            pass.gone += step.gone
            await health?.beat(Self.loopName)
            for listing in step.listings {
                try await take(listing, known: known, full: full, pass: &pass, summary: &summary)
            }
            // What a big step freed goes back to the system (the step's own buffers at the next
            // step or the end of the poll), so a full listing's peak stays about one step high
            // and an idle daemon does not keep it. An idle poll lists nothing and skips this.
            if step.listings.reduce(0, { $0 + $1.entries.count }) >= Self.entriesWorthATrim {
                ProcessMemory.returnFreedPages()
            }
        } while !queue.isEmpty
        try await noteSpoolReadable(gone: pass.gone.contains(""), unreadable: pass.unreadable.contains(""), now: now)
        try await restateWaiting(pass: pass, summary: &summary)
        try await remember(pass: pass, known: known)
        if full {
            try await sweepAfterFullRescan(pass: pass, now: now)
            logger.info(
                "spool listed",
                metadata: ["files": "\(summary.filesSeen)", "seconds": "\(String(format: "%.1f", clock.now().timeIntervalSince(now)))"])
        }
        if summary.filesSeen >= Self.entriesWorthATrim { ProcessMemory.returnFreedPages() }
        return summary
    }

    /// The spool directory itself gone or unreadable (an unmounted share): one error line when it
    /// goes, one when it is back; `/healthz` and `status` say so meanwhile.
    private func noteSpoolReadable(gone: Bool, unreadable: Bool, now: Date) async throws {
        let problem = gone ? "\(settings.directory) is missing or not a directory" : unreadable ? "\(settings.directory) cannot be listed" : nil
        guard spoolProblem != .some(problem) else { return }
        if let problem {
            logger.error(
                "spool directory not readable; nothing new is taken in", metadata: ["spool": "\(settings.directory)", "problem": "\(problem)"])
        } else if case .some(.some) = spoolProblem {
            logger.info("spool directory readable again", metadata: ["spool": "\(settings.directory)"])
        }
        spoolProblem = problem
        await health?.setSpoolProblem(problem)
        try await store.setMeta(.spoolProblem, problem.map { ISOTimestamp.format(now) + " " + $0 })
    }

    /// Entries listed after which freed heap is worth handing back (``ProcessMemory``).
    static let entriesWorthATrim = 5_000

    /// What one poll learned while walking.
    struct Pass {
        var listed: Set<String> = []
        var unreadable: [String] = []
        var watched: Set<String> = []
        var seen: Set<String> = []
        var changed: [String: DirectoryState] = [:]
        var gone: [String] = []

        /// Whether `stem` lies in (or below) a directory that could not be listed.
        func hides(_ stem: String) -> Bool {
            unreadable.contains { $0.isEmpty || stem.hasPrefix($0 + "/") }
        }
    }

    /// Handles one directory listing.
    private func take(_ listing: DirectoryListing, known: [String: DirectoryState], full: Bool, pass: inout Pass, summary: inout IntakeSummary)
        async throws
    {
        for skipped in listing.skipped where warned.insert(skipped.relativePath).inserted {
            logger.warning("spool entry skipped", metadata: ["path": "\(skipped.relativePath)", "reason": "\(skipped.reason)"])
        }
        if listing.unreadable {
            // Not remembered, so it is listed again next poll; nothing in it is taken for gone.
            pass.unreadable.append(listing.path)
            return
        }
        pass.listed.insert(listing.path)
        if known[listing.path] != listing.state { pass.changed[listing.path] = listing.state }
        summary.filesSeen += listing.entries.count
        let groups = PairGroup.group(listing.entries, sidecarExtension: sidecarExtension)
        if full { pass.seen.formUnion(groups.keys.filter(pass.watched.contains)) }
        // Stems intake was waiting for whose files left this directory.
        let vanished = active.keys.filter { Self.parent(of: $0) == listing.path && groups[$0] == nil }
        try await vanish(vanished)
        try await advance(groups, summary: &summary)
    }

    /// Files intake is still waiting for, in directories that were not listed: look again.
    private func restateWaiting(pass: Pass, summary: inout IntakeSummary) async throws {
        let waiting = active.filter { !pass.listed.contains(Self.parent(of: $0.key)) && !pass.hides($0.key) }
        guard !waiting.isEmpty else { return }
        let walk = self.walk
        let restated = try await BlockingIO.run {
            waiting.compactMapValues { group -> PairGroup? in
                var fresh = PairGroup(sidecarExtension: group.sidecarExtension)
                for file in group.audio {
                    switch walk.restat(file.relativePath) {
                    case .found(let entry): fresh.audio.append(entry)
                    case .gone: break
                    case .unknown: return nil
                    }
                }
                if let sidecar = group.sidecar {
                    switch walk.restat(sidecar.relativePath) {
                    case .found(let entry): fresh.sidecar = entry
                    case .gone: break
                    case .unknown: return nil
                    }
                }
                return fresh
            }
        }
        summary.filesSeen += restated.values.reduce(0) { $0 + $1.audio.count + ($1.sidecar == nil ? 0 : 1) }
        try await vanish(restated.filter(\.value.isEmpty).map(\.key))
        try await advance(restated.filter { !$0.value.isEmpty }, summary: &summary)
    }

    /// Remembers what changed; forgets vanished directories and everything below them.
    private func remember(pass: Pass, known: [String: DirectoryState]) async throws {
        let removed = known.keys.filter { path in pass.gone.contains { path == $0 || path.hasPrefix($0 + "/") } && !path.isEmpty }
        try await store.saveDirectories(changed: pass.changed, removed: removed)
        var updated = known.merging(pass.changed) { $1 }
        for path in removed { updated.removeValue(forKey: path) }
        knownDirectories = updated
    }

    /// After a full rescan: `pending` rows whose files were not seen anywhere are gone (unless
    /// they lie where the walk could not look).
    private func sweepAfterFullRescan(pass: Pass, now: Date) async throws {
        let unseen = try await store.pendingRows().filter { pass.watched.contains($0.stem) && !pass.seen.contains($0.stem) && !pass.hides($0.stem) }
        try await vanish(unseen.map(\.stem))
        lastFullRescan = now
        try await store.setLastFullRescan(now)
    }

    /// Stems whose files are gone: their `pending` rows are told (a row that never sent anything
    /// is dropped; one that owns a call is held).
    private func vanish(_ stems: [String]) async throws {
        guard !stems.isEmpty else { return }
        let rows = try await store.latestRows(stems: stems)
        for stem in stems {
            active.removeValue(forKey: stem)
            awaitingUsers.remove(stem)
            guard let row = rows[stem], row.state == .pending, let id = row.id else { continue }
            let applied = try await store.apply(id, .filesVanished, context: EventContext(now: clock.now()))
            if applied.row.state == .held {
                logger.warning(
                    "files of a recording that owns a call are gone", metadata: ["stem": "\(stem)", "reason": "\(applied.row.reason ?? "")"])
            }
        }
    }

    /// The user mapping and the CDR index as of now; held recordings are examined again when
    /// the mapping changed.
    private func refreshMappings() async throws {
        directory = try await users.current()
        let generation = await users.generation
        if generation != usersGeneration {
            usersGeneration = generation
            awaitingUsers.removeAll()
            let requeued = try await store.applyToAll(
                in: [.held, .skipped], causes: [.unknownUser, .userImportDisabled], .userMappingChanged,
                context: EventContext(now: clock.now()))
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
    }

    /// Reads the erasures asked for since (by `gongspool erase`, on any node) into the
    /// never-send policy: once per poll, and only in a poll that examines a recording (an idle
    /// daemon does not ask).
    func refreshErasures() async throws {
        guard erasuresReadInPoll != polls else { return }
        erasuresReadInPoll = polls
        let erasures = try await store.erasures()
        if erasures.count != erasuresKnown {
            erasuresKnown = erasures.count
            evaluator.assembler.policy = configuredPolicy.adding(erasures)
        }
    }

    static func children(of known: [String: DirectoryState]) -> [String: [String]] {
        var index: [String: [String]] = [:]
        for path in known.keys where !path.isEmpty {
            index[parent(of: path), default: []].append(path)
        }
        return index
    }

    static func parent(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(Substring(path.utf8[..<slash]))
    }

    /// Keeps `stem` in the working set (`group`), or drops it once intake is done with it.
    func track(_ stem: String, _ group: PairGroup, pending: Bool) {
        if pending { active[stem] = group } else { active.removeValue(forKey: stem) }
    }

    /// The stems in the working set.
    var trackedStems: [String] { Array(active.keys) }

    /// Drops `stem` from the working set.
    func untrack(_ stem: String) {
        active.removeValue(forKey: stem)
    }
}
