import Foundation
import GongSpoolCore

extension LifecycleStore {
    /// Moves a `ready` row to `done` through the lifecycle's own events, as if Gong had created
    /// call `callId` and accepted the media (for tests about what follows delivery).
    public func deliverAsIfGongAnswered(_ id: Int64, callId: String, now: Date) async throws {
        let context = EventContext(now: now)
        try await apply(id, .createSending, context: context)
        try await apply(id, .createAnswered(.created(callId: callId)), context: context)
        try await apply(id, .uploadSending, context: context)
        try await apply(id, .uploadAnswered(.mediaAccepted), context: context)
        try await apply(id, .afterUploadDone(note: nil), context: context)
    }
}
