import Foundation

/// Figures for `status`: requests still needed by the queue, the oldest queued recording,
/// the last delivery and the last error.
public struct QueueFacts: Sendable {
    /// Requests still needed to drain the queue (2 per recording without callId, 1 with).
    public var requestsNeeded = 0
    /// When the oldest queued recording was first seen.
    public var oldestQueuedSince: Date?
    /// When the last recording reached `done`.
    public var lastSuccess: Date?
    /// The last transition that carried an error code.
    public var lastError: Transition?

    /// No facts yet.
    public init() {}

    /// The requests a queued row still needs (none once uploaded, 1 with a call, 2 without),
    /// summed: the same SQL for every backend.
    public static let requestsNeededSQL = """
        COALESCE(SUM(CASE WHEN state = '\(RecordingState.uploaded.rawValue)' OR phase = '\(Phase.finish.rawValue)' THEN 0 \
        WHEN callId IS NULL THEN 2 ELSE 1 END), 0)
        """
}
