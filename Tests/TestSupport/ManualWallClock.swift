import Foundation
import GongSpoolCore
import Synchronization

/// A wall clock that only moves when a test says so — or when something sleeps on it: then it
/// jumps to the deadline at once (and remembers the sleep), so timing logic runs without waiting.
public final class ManualWallClock: WallClock {
    private let current: Mutex<Date>
    private let slept = Mutex<[Date]>([])

    /// Starts at `start`.
    public init(_ start: Date = Date(timeIntervalSince1970: 1_780_000_000)) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    /// Moves time forward.
    public func advance(_ seconds: TimeInterval) {
        current.withLock { $0 += seconds }
    }

    public func sleep(until deadline: Date) async throws {
        try Task.checkCancellation()
        slept.withLock { $0.append(deadline) }
        current.withLock { $0 = max($0, deadline) }
    }

    /// Every deadline slept until, in order.
    public var sleeps: [Date] { slept.withLock { $0 } }
}
