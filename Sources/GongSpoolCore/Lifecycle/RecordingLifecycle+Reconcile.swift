import Foundation

extension RecordingLifecycle {
    /// Events from reconciliation: Gong's list of calls against what was delivered.
    mutating func handleReconcile(_ event: LifecycleEvent) throws(LifecycleRefusal) -> LifecycleDecision {
        switch (event, state) {
        // What Gong's list says is about one call: only the recording that owns that call now moves.
        case (.reconciledMissing(let callId, let why), .done) where identity?.callId == callId:
            return move(to: .missing, code: .missingInGong, reason: why)
        case (.reconciledFound(let callId), .missing) where identity?.callId == callId:
            return move(to: .done, reason: Reasons.listedAgain)
        case (.reconciledMissing, _), (.reconciledFound, _):
            throw refuse(event, "only delivered recordings are reconciled, by the call they own")
        default:
            throw refuse(event, "not a reconciliation event")
        }
    }
}
