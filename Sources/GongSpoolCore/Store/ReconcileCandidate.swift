import Foundation

/// A delivered recording to look for in Gong's list of calls.
public struct ReconcileCandidate: Sendable, Equatable {
    /// The row.
    public var id: Int64
    /// The call Gong named for it.
    public var callId: String
    /// The call's start as sent (`actualStart`): Gong lists telephony calls by it.
    public var start: Date
    /// `done`, or `missing` from an earlier reconciliation.
    public var state: RecordingState

    /// A candidate.
    public init(id: Int64, callId: String, start: Date, state: RecordingState) {
        self.id = id
        self.callId = callId
        self.start = start
        self.state = state
    }
}
