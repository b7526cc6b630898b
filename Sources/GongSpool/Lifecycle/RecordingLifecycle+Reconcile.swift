import Foundation

extension RecordingLifecycle {
    /// Events from reconciliation: Gong's list of calls against what was delivered.
    mutating func handleReconcile(_ event: LifecycleEvent) throws(LifecycleRefusal) -> [LifecycleAction] {
        switch (event, state) {
        case (.reconciledMissing(let why), .done):
            return move(to: .missing, code: .missingInGong, reason: why)
        case (.reconciledFound, .missing):
            return move(to: .done, reason: "listed by Gong when reconciled again")
        case (.reconciledMissing, _), (.reconciledFound, _):
            throw refuse(event, "only delivered recordings are reconciled")
        default:
            throw refuse(event, "not a reconciliation event")
        }
    }
}
