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
}
