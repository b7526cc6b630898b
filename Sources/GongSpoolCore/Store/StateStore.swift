import Foundation

/// The durable state of GongSpool, every role together: ``SQLiteStateStore`` (the embedded
/// default, one server) and ``PostgresStateStore`` (a fleet of nodes sharing Gong's
/// company-wide limits) implement it. Components take only the role they use (the gate a
/// ``GateStore``, the queue a ``QueueStore``…); every method commits before it returns, and a
/// recording's state changes only through the ``LifecycleStore`` role.
public protocol StateStore: LifecycleStore, IntakeStore, QueueStore, GateStore, FleetStore, StatusStore, ReconcileStore,
    MetaStore, UserCacheStore, UpkeepStore, PrivacyStore
{}

/// What intake takes of the state: the lifecycle's write path, its memory of the spool, the
/// spool's facts, Gong's cached users for the mapping, and the erasures (never-send list).
public typealias IntakeRoles = LifecycleStore & IntakeStore & MetaStore & UserCacheStore & PrivacyStore

extension RecordingState {
    /// States the delivery queue works on.
    public static let deliveryStates: [RecordingState] = [.ready, .creating, .created, .uploading, .uploaded, .waiting]
    /// States whose history may be pruned: finished, nothing left to do.
    public static let prunableStates: [RecordingState] = [.done, .duplicate, .skipped]
    /// States whose rows reconciliation looks for in Gong's list.
    public static let reconciledStates: [RecordingState] = [.done, .missing]
}

/// SQL fragments made from GongSpool's own enums, so that a list of states or codes is written
/// once (as the enum) and never typed into a statement.
public enum SQLFragment {
    /// `'ready', 'creating', …` for an `IN (…)` list; raw values are fixed identifiers, not input.
    public static func list<T: RawRepresentable>(_ values: some Sequence<T>) -> String where T.RawValue == String {
        values.map { "'\($0.rawValue)'" }.joined(separator: ", ")
    }

    /// `state IN ('ready', 'creating', …)`: the delivery queue's states.
    public static let inDelivery = "state IN (\(list(RecordingState.deliveryStates)))"
    /// The rows ``ClaimDecision/stopsSameAudio(_:)`` (with the `sha256` index's own condition).
    public static let stopsSameAudio =
        "clientUniqueId IS NOT NULL AND (state IN (\(list(ClaimDecision.sameAudioStates))) OR lastErrorCode = '\(ErrorCode.erasedOnRequest.rawValue)')"
    /// Not erased on request: a tombstone outlives `prune --all` (it keeps a re-export from being sent).
    public static let notErased = "(lastErrorCode IS NULL OR lastErrorCode <> '\(ErrorCode.erasedOnRequest.rawValue)')"
    /// Erased on request, its files not yet confirmed gone (``Recording/isErasurePending``).
    public static let erasurePending =
        "lastErrorCode = '\(ErrorCode.erasedOnRequest.rawValue)' AND stem NOT LIKE '\(Recording.tombstoneStemPrefix)%'"
}
