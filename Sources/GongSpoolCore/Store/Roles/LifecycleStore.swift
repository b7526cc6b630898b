import Foundation

/// The one write path for a recording's state: every change is its ``RecordingLifecycle``'s
/// decision, executed as a ``WritePlan`` in one transaction. Drivers (intake, delivery, operator
/// commands, reconciliation) take this role.
public protocol LifecycleStore: Sendable {
    /// In one transaction: reads the row, lets its lifecycle handle `event` (a refusal changes
    /// nothing and throws ``StoreError/refused(id:_:)``), and executes the ``WritePlan``.
    @discardableResult
    func apply(_ id: Int64, _ event: LifecycleEvent, context: EventContext, evidence: Evidence?) async throws(StoreError) -> Applied
    /// Records new recordings in their first states, in one transaction (``InsertPlan``).
    func insert(_ recordings: [InsertPlan]) async throws(StoreError) -> [Recording]
    /// Records what intake learned about the files without a state change (no history line).
    func observe(_ id: Int64, _ evidence: Evidence, now: Date) async throws(StoreError)
    /// Claims `clientUniqueId` for row `id` and reports the claim as ``LifecycleEvent/claimed(_:)``
    /// (see ``ClaimDecision``); claims are unique across everything that shares the store.
    func claim(_ id: Int64, clientUniqueId: String, evidence: Evidence, context: EventContext) async throws(StoreError) -> Applied
    /// Applies `event` to every row in one of `states` whose cause is one of `codes`, in one
    /// transaction; rows whose lifecycle refuses it are left as they are. Returns how many changed.
    @discardableResult
    func applyToAll(in states: Set<RecordingState>, causes codes: Set<ErrorCode>, _ event: LifecycleEvent, context: EventContext)
        async throws(StoreError) -> Int
    /// One recording by row id, clientUniqueId (owned, or given by its files), or stem.
    func find(_ key: String) async throws(StoreError) -> Recording?
}

extension LifecycleStore {
    /// ``apply(_:_:context:evidence:)`` without evidence.
    @discardableResult
    public func apply(_ id: Int64, _ event: LifecycleEvent, context: EventContext) async throws(StoreError) -> Applied {
        try await apply(id, event, context: context, evidence: nil)
    }

    /// Records new recordings, each `stem` in its first `lifecycle`, seen `now`.
    public func insert(_ recordings: [(stem: String, lifecycle: RecordingLifecycle, evidence: Evidence)], now: Date) async throws(StoreError)
        -> [Recording]
    {
        try await insert(recordings.map { InsertPlan(stem: $0.stem, $0.lifecycle, evidence: $0.evidence, now: now) })
    }

    /// Records a new recording in its first state.
    public func insert(stem: String, _ lifecycle: RecordingLifecycle, evidence: Evidence, now: Date) async throws(StoreError) -> Recording {
        guard let row = try await insert([InsertPlan(stem: stem, lifecycle, evidence: evidence, now: now)]).first else { throw .notFound(stem) }
        return row
    }
}
