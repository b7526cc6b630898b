import Foundation

/// The source of "now" for everything that is persisted (settle times, retry times,
/// daily budgets). Injected so tests can move time without sleeping.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The system's real-time clock.
public struct SystemWallClock: WallClock {
    /// Creates the system clock.
    public init() {}

    public func now() -> Date { Date() }
}
