/// What one poll did, for logs, tests and `run --once`.
public struct IntakeSummary: Sendable, Equatable {
    /// Files seen.
    public var filesSeen = 0
    /// Rows that became `ready` (or `created`, a recording that owns a call taken again).
    public var becameReady = 0
    /// Rows that became `rejected`.
    public var rejected = 0
    /// Rows still `pending`.
    public var pending = 0
    /// Pending pairs still settling: they will be examined on a later poll.
    public var settling = 0
    /// Whether this poll listed every directory.
    public var fullRescan = false
}
