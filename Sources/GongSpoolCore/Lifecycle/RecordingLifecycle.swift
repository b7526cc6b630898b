import Foundation

/// The one place that decides a recording's life: a value with no I/O and no clock. Drivers
/// (intake, delivery, operator commands) report ``LifecycleEvent``s with the time; the
/// lifecycle changes itself and answers with a ``LifecycleDecision``: the store's effects
/// (a history line, the row deleted, its duplicates examined again) and the driver's actions
/// (post, put, pause or halt sending). The store applies every change in one transaction
/// (``LifecycleStore/apply(_:_:context:evidence:)``), so no other code writes a recording's state.
///
/// The exactly-once rules live here:
/// - an ``Identity`` that owns a call, or whose create may have reached Gong, is locked: it never
///   changes its clientUniqueId and its row is never dropped by intake;
/// - Gong's duplicate answers prove delivery only of a request this recording sent before:
///   "already posted for the call N" after an earlier create of ours, "already handled" after an
///   earlier upload of ours that carried the same bytes, "same content … callID M" only when M
///   is our call;
/// - a file that changed after it was taken is never sent under an identity that is locked.
public struct RecordingLifecycle: Sendable, Equatable {
    /// The state.
    public internal(set) var state: LifecycleState
    /// The Gong identity owned, if any.
    public internal(set) var identity: Identity?
    /// Why the recording is in its state, when a cause has a code.
    public internal(set) var code: ErrorCode?
    /// Why, for operators.
    public internal(set) var reason: String?
    /// Requests sent for the current step's streak (drives the backoff).
    public internal(set) var attempts: Int
    /// Since when the current step keeps failing (for `retry.giveUpAfterHours`).
    public internal(set) var failingSince: Date?
    /// An operator sent it on after it was skipped or held as too short, silent or cut: intake
    /// takes it without those checks.
    public internal(set) var checksWaived: Bool
    /// The SHA-256 of the audio as taken (what a media upload sends now); read, never changed.
    public internal(set) var audioSHA256: String?

    /// A lifecycle in any state (rows read back from the store, tests).
    public init(
        state: LifecycleState, identity: Identity? = nil, code: ErrorCode? = nil, reason: String? = nil,
        attempts: Int = 0, failingSince: Date? = nil, checksWaived: Bool = false, audioSHA256: String? = nil
    ) {
        self.state = state
        self.identity = identity
        self.code = code
        self.reason = reason
        self.attempts = attempts
        self.failingSince = failingSince
        self.checksWaived = checksWaived
        self.audioSHA256 = audioSHA256
    }

    /// A recording intake has just seen.
    public static func seen(reason: String) -> RecordingLifecycle {
        RecordingLifecycle(state: .pending, reason: reason)
    }

    /// A recording older than the backfill cutoff: recorded, never sent unless retried.
    public static func skipped(reason: String) -> RecordingLifecycle {
        RecordingLifecycle(state: .skipped, code: .backfill, reason: reason)
    }

    /// Applies `event` at `context.now`; returns what to do. Throws when the state does not allow
    /// the event (nothing changes then).
    public mutating func handle(_ event: LifecycleEvent, _ context: EventContext) throws(LifecycleRefusal) -> LifecycleDecision {
        switch event.driver {
        case .intake: try handleIntake(event, context)
        case .delivery: try handleDelivery(event, context)
        case .operator: try handleOperator(event, context)
        case .reconcile: try handleReconcile(event)
        }
    }

    /// The same as ``handle(_:_:)`` on a copy: whether the event is allowed, and where it leads.
    public func trying(_ event: LifecycleEvent, _ context: EventContext) -> Result<RecordingLifecycle, LifecycleRefusal> {
        var copy = self
        do {
            _ = try copy.handle(event, context)
            return .success(copy)
        } catch {
            return .failure(error)
        }
    }

    /// The step a delivery worker takes next, if the row is due for one.
    public var deliveryStep: Phase? {
        switch state {
        case .ready, .creating, .created, .uploading, .uploaded, .waiting: state.phase
        default: nil
        }
    }

    // MARK: - Shared moves

    /// Moves to `next` with a cause; a history line is written. When a recording that owns an
    /// id fails (rejected, or held other than by an operator), its duplicates are examined again:
    /// one of them may carry the id on.
    mutating func move(to next: LifecycleState, code: ErrorCode? = nil, reason: String?) -> LifecycleDecision {
        state = next
        self.code = code
        self.reason = reason
        let failed: Bool =
            switch next {
            case .rejected, .held: identity != nil && code != .operatorHold
            default: false
            }
        return LifecycleDecision(effects: failed ? [.recordTransition, .reexamineDuplicates] : .recordTransition)
    }

    /// The state a held or waiting row resumes in.
    func resumed(_ phase: Phase) -> LifecycleState {
        switch phase {
        case .intake: .pending
        case .create: identity == nil ? .pending : .ready
        case .upload: identity?.callId == nil ? (identity == nil ? .pending : .ready) : .created
        case .finish: identity?.callId == nil ? .pending : .uploaded
        }
    }

    /// Back to intake: an unlocked identity is given up (intake claims again), a locked one kept.
    mutating func backToIntake(code: ErrorCode? = nil, reason: String) -> LifecycleDecision {
        let decision = move(to: .pending, code: code, reason: reason)
        guard let identity, !identity.isLocked else { return decision }
        self.identity = nil
        return decision.with(.reexamineDuplicates)
    }

    /// Whether `code` is a finding about the recording's content (too short, silent, cut).
    var isContentFinding: Bool {
        code == .mediaTooShort || code == .mediaSilent || code == .mediaTruncated
    }

    func refuse(_ event: LifecycleEvent, _ hint: String) -> LifecycleRefusal {
        LifecycleRefusal(state: state.name, event: event.name, hint: hint)
    }

    /// "call N" or "clientUniqueId X", for reasons.
    var callLabel: String {
        if let callId = identity?.callId { return "call \(callId)" }
        return "clientUniqueId \(identity?.clientUniqueId ?? "?")"
    }
}
