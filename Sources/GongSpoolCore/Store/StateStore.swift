import Foundation

/// The durable state of GongSpool: every recording's row and history, intake's memory of the
/// spool, the request budget and small facts. Two implementations: ``SQLiteStateStore`` (the
/// embedded default, one server) and ``PostgresStateStore`` (a fleet of nodes sharing Gong's
/// company-wide limits). Every method commits before it returns; a recording's state changes
/// only through ``apply(_:_:context:evidence:)``, ``claim(_:clientUniqueId:evidence:context:)``
/// and ``applyToAll(in:causes:_:context:)``, which hand the decision to its
/// ``RecordingLifecycle``.
public protocol StateStore: Sendable {
    /// Where the state lives, for logs and `status` (a path, or a URL without its password).
    var location: String { get }
    /// The database file when the state is a local file (its disk's free space matters), else `nil`.
    var databaseFile: String? { get }

    // MARK: Lifecycle

    /// The one write path for a recording's state: in one transaction, reads the row, lets its
    /// ``RecordingLifecycle`` handle `event` (a refusal changes nothing and throws
    /// ``StoreError/refused(id:_:)``), writes the row with `evidence`, the history line, and the
    /// store's own actions.
    @discardableResult
    func apply(_ id: Int64, _ event: LifecycleEvent, context: EventContext, evidence: Evidence?) async throws(StoreError) -> Applied
    /// Records new recordings in their first states, in one transaction.
    func insert(_ recordings: [(stem: String, lifecycle: RecordingLifecycle, evidence: Evidence)], now: Date) async throws(StoreError) -> [Recording]
    /// Records what intake learned about the files without a state change (no history line).
    func observe(_ id: Int64, _ evidence: Evidence, now: Date) async throws(StoreError)
    /// Claims `clientUniqueId` for row `id` and reports the claim as ``LifecycleEvent/claimed(_:)``
    /// (see ``ClaimDecision``); claims are unique across everything that shares the store.
    func claim(_ id: Int64, clientUniqueId: String, evidence: Evidence, context: EventContext) async throws(StoreError) -> Applied
    /// Applies `event` to every row in one of `states` whose cause is one of `codes`, in one
    /// transaction; rows whose lifecycle refuses it are left as they are. Returns how many changed.
    @discardableResult
    func applyToAll(in states: Set<RecordingState>, causes codes: Set<ErrorCode>, _ event: LifecycleEvent, context: EventContext) async throws(StoreError) -> Int

    // MARK: Intake

    /// The remembered spool directories (relative path, `""` for the root).
    func directories() async throws(StoreError) -> [String: DirectoryState]
    /// Records changed directories and forgets vanished ones, in one transaction.
    func saveDirectories(changed: [String: DirectoryState], removed: [String]) async throws(StoreError)
    /// The newest row of each of `stems`.
    func latestRows(stems: [String]) async throws(StoreError) -> [String: Recording]
    /// Sorts the stems of `current` (the files as listed now) by what intake has to do: `fresh`
    /// have no row yet, `needed` have a row intake must look at (see
    /// ``StoredFingerprint/concernsIntake(_:)``); the rest need nothing.
    func intakeConcerns(_ current: [String: Fingerprint]) async throws(StoreError) -> (fresh: [String], needed: [String])
    /// Every `pending` row (intake's working set; small in steady state).
    func pendingRows() async throws(StoreError) -> [Recording]
    /// When the last full rescan of the spool finished.
    func lastFullRescan() async throws(StoreError) -> Date?
    /// Records the end of a full rescan.
    func setLastFullRescan(_ date: Date) async throws(StoreError)
    /// Whether the backfill cutoff was fixed already (this is not the first start).
    func hasBackfillCutoff() async throws(StoreError) -> Bool
    /// The backfill cutoff, fixed on first start: `nil` takes everything. Later calls return
    /// what the first one stored, whatever `backfill` says now.
    func backfillCutoff(_ backfill: Backfill, now: Date) async throws(StoreError) -> Date?

    // MARK: Queue

    /// The recording the queue should work on now, skipping `busy` row ids: one whose call
    /// already exists in Gong first, then by recording time (`order`).
    func nextDue(now: Date, excluding busy: Set<Int64>, order: QueueOrder) async throws(StoreError) -> Recording?
    /// When the next `waiting` recording is due, if any.
    func nextRetryAt() async throws(StoreError) -> Date?
    /// Whether anything is ready, in flight, or waiting for a retry.
    func hasQueuedWork() async throws(StoreError) -> Bool
    /// Counts one request against UTC day `day` unless that would exceed `limit`; `nil` when the budget is spent.
    func reserveDailyRequest(day: String, limit: Int) async throws(StoreError) -> Int?
    /// Requests counted on UTC day `day`.
    func dailyUsage(day: String) async throws(StoreError) -> Int
    /// Gives one request counted on `day` back (it never reached Gong).
    func releaseDailyRequest(day: String) async throws(StoreError)
    /// Whether any recording is held for a cause that halts all sending.
    func hasHaltingHolds() async throws(StoreError) -> Bool
    /// Figures for `status`.
    func queueFacts() async throws(StoreError) -> QueueFacts

    /// Whether a recording is due (as ``nextDue(now:excluding:order:)`` would find, without taking it).
    func isDue(now: Date, excluding busy: Set<Int64>) async throws(StoreError) -> Bool
    /// Renews this node's leases on `ids` (the recordings it works on); returns those it no
    /// longer holds (another node took them over). Without a fleet: nothing to renew.
    func renewLeases(_ ids: Set<Int64>) async throws(StoreError) -> Set<Int64>
    /// Gives up this node's lease on `id` (it stopped working on it).
    func releaseLease(_ id: Int64) async throws(StoreError)
    /// Takes the next request slot of the fleet's shared schedule (`interval` seconds apart);
    /// returns how long to wait before sending. Without a fleet, `0`: the node's own gate spaces.
    func reserveSlot(interval: Double) async throws(StoreError) -> Double
    /// Right before a request leaves, in a fleet: records its real send time if fewer than
    /// `count` requests of any node left in the last `window` seconds and no pause holds, and
    /// returns 0; otherwise how long to wait before asking again. Slots are a schedule; this is
    /// what Gong sees (a request leaving late must not put `count + 1` inside one window).
    /// Without a fleet, `0`: the node's own gate follows its previous real send.
    func confirmSend(count: Int, window: Double) async throws(StoreError) -> Double
    /// Records a pause Gong asked for (a 429's `Retry-After`) for a restart and, in a fleet, for every node.
    func recordPause(seconds: Double, until: Date) async throws(StoreError)

    // MARK: Fleet

    /// Announces this node (refused while another running node has its name).
    func join(_ node: NodeAnnouncement) async throws(StoreError)
    /// Tells the fleet this node is alive.
    func heartbeat() async throws(StoreError)
    /// Tells the fleet this node stopped (its name is free, its leases given up).
    func leave() async throws(StoreError)
    /// Whether this node may take its spool's recordings in now (one node per spool at a time:
    /// an HA pair's second node waits and takes over when the first stops renewing).
    func mayRunIntake() async throws(StoreError) -> Bool
    /// Every node of the fleet, for `status --fleet`; `nil` without a fleet.
    func fleetStatus(now: Date) async throws(StoreError) -> FleetStatus?

    // MARK: Reading

    /// One recording by row id, clientUniqueId, or stem.
    func find(_ key: String) async throws(StoreError) -> Recording?
    /// Rows, optionally only those in `states`, oldest first.
    func recordings(in states: Set<RecordingState>?, limit: Int?) async throws(StoreError) -> [Recording]
    /// Count of rows per state (every state present, zero when none).
    func countsByState() async throws(StoreError) -> [RecordingState: Int]
    /// The history of a recording, oldest first.
    func history(of id: Int64) async throws(StoreError) -> [Transition]

    // MARK: Reconciliation

    /// Delivered recordings not yet found in Gong's list (and those found missing before),
    /// delivered in `[since, before]`.
    func reconcileCandidates(deliveredSince since: Date, before: Date) async throws(StoreError) -> [ReconcileCandidate]
    /// Records that Gong listed the calls of `candidates` (no history line), for those that
    /// still own that call and are delivered.
    func confirmListed(_ candidates: [ReconcileCandidate], at date: Date) async throws(StoreError)
    /// Recordings skipped as too short or silent on UTC day `day` (`2026-11-30`), by cause.
    func skippedForContent(day: String) async throws(StoreError) -> [ErrorCode: Int]

    // MARK: Small facts and Gong's users

    /// The value stored under `key`, if any.
    func meta(_ key: MetaKey) async throws(StoreError) -> String?
    /// Stores `value` under `key`, or removes it (`nil`).
    func setMeta(_ key: MetaKey, _ value: String?) async throws(StoreError)
    /// Stores `value` under `key` unless one is there (in one statement: two nodes starting
    /// together agree); returns the value in force.
    func setMetaIfAbsent(_ key: MetaKey, _ value: String) async throws(StoreError) -> String
    /// Replaces the cached Gong user list in one transaction and stamps the time.
    func replaceGongUsers(_ users: [DirectoryUser], fetchedAt: Date) async throws(StoreError)
    /// When Gong's user list was last fetched, or `nil`.
    func gongUsersFetchedAt() async throws(StoreError) -> Date?
    /// The cached Gong user list.
    func gongUsers() async throws(StoreError) -> [DirectoryUser]

    // MARK: Upkeep

    /// Removes the history of recordings finished before `cutoff`; with `all`, their rows too —
    /// except rows whose files `stillInSpool` finds. Then gives free space back.
    func prune(finishedBefore cutoff: Date, all: Bool, stillInSpool: @escaping @Sendable (Recording) -> Bool) async throws(StoreError) -> PruneResult
    /// Writes a consistent copy of the state to `path`; refuses to overwrite an existing file.
    func backup(to path: String) async throws(StoreError)
    /// Closes the store; further use throws.
    func close() throws
}

extension StateStore {
    /// ``apply(_:_:context:evidence:)`` without evidence.
    @discardableResult
    public func apply(_ id: Int64, _ event: LifecycleEvent, context: EventContext) async throws(StoreError) -> Applied {
        try await apply(id, event, context: context, evidence: nil)
    }

    /// Records a new recording in its first state.
    public func insert(stem: String, _ lifecycle: RecordingLifecycle, evidence: Evidence, now: Date) async throws(StoreError) -> Recording {
        guard let row = try await insert([(stem, lifecycle, evidence)], now: now).first else { throw .notFound(stem) }
        return row
    }

    /// ``nextDue(now:excluding:order:)`` newest first.
    public func nextDue(now: Date, excluding busy: Set<Int64>) async throws(StoreError) -> Recording? {
        try await nextDue(now: now, excluding: busy, order: .newestFirst)
    }

    /// Every row, or those in `states`, oldest first.
    public func recordings(in states: Set<RecordingState>? = nil) async throws(StoreError) -> [Recording] {
        try await recordings(in: states, limit: nil)
    }

    /// At most `limit` rows, oldest first.
    public func recordings(limit: Int) async throws(StoreError) -> [Recording] {
        try await recordings(in: nil, limit: limit)
    }

    /// ``prune(finishedBefore:all:stillInSpool:)`` for rows whose files are gone.
    public func prune(finishedBefore cutoff: Date, all: Bool) async throws(StoreError) -> PruneResult {
        try await prune(finishedBefore: cutoff, all: all, stillInSpool: { _ in false })
    }
}

extension RecordingState {
    /// States the delivery queue works on.
    public static let deliveryStates: [RecordingState] = [.ready, .creating, .created, .uploading, .uploaded, .waiting]
    /// States whose history may be pruned: finished, nothing left to do.
    public static let prunableStates: [RecordingState] = [.done, .duplicate, .skipped]
}

extension ErrorCode {
    /// Causes that halt all sending (a person fixes the credentials or `gong.baseURL`).
    public static let haltingCauses: Set<ErrorCode> = [.credentialsRejected, .endpointMisconfigured]
}
