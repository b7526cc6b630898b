import Foundation

/// The source of "now" for everything that is persisted (settle times, retry times,
/// daily budgets), and of waiting for a time. Injected so tests can move time without sleeping.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
    /// Returns at `deadline` (at once if it has passed); throws when cancelled.
    func sleep(until deadline: Date) async throws
}

extension WallClock {
    /// Real waiting: `Task.sleep` for the time left.
    public func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSince(now())
        guard seconds > 0 else { return }
        try await Task.sleep(for: Bounded.duration(seconds: seconds) + .milliseconds(1))
    }
}

/// The system's real-time clock.
public struct SystemWallClock: WallClock {
    /// Creates the system clock.
    public init() {}

    public func now() -> Date { Date() }
}
