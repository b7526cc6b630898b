import Synchronization

/// Progress of blocking work (hashing a file chunk by chunk), told from the thread that does
/// it and watched from async code: the watchdog and the fleet's intake lease are kept alive
/// while the work moves, and only while it moves (a read stuck on a dead NFS server beats nothing).
public final class WorkProgress: Sendable {
    private let steps = Mutex<UInt64>(0)

    /// A new, unmoved progress.
    public init() {}

    /// One more step done (a chunk read, a stage finished).
    public func tick() {
        steps.withLock { $0 &+= 1 }
    }

    /// Steps done so far.
    public var count: UInt64 { steps.withLock { $0 } }
}
