import Foundation
import GongSpool
import Synchronization

/// A wall clock that only moves when a test says so.
public final class ManualWallClock: WallClock {
    private let current: Mutex<Date>

    /// Starts at `start`.
    public init(_ start: Date = Date(timeIntervalSince1970: 1_780_000_000)) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    /// Moves time forward.
    public func advance(_ seconds: TimeInterval) {
        current.withLock { $0 += seconds }
    }
}
