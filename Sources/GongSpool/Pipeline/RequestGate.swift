import Foundation
import Logging

/// The single gate every Gong request passes: a token bucket (`gong.requestsPerSecond`,
/// burst 1), a global pause after a 429 until `Retry-After` has passed, a daily budget
/// counted in SQLite before the request is sent (so a crash never under-counts), and a halt
/// after 401/403 that stops all sending until released.
public actor RequestGate {
    /// Why a request may not be sent.
    public enum Refusal: Error, Equatable, Sendable {
        /// Sending is halted (credentials rejected).
        case halted(String)
    }

    private let store: StateStore
    private let clock: any WallClock
    private let interval: Double
    private let dailyLimit: Int
    private let logger: Logger
    private var nextSlot = Date.distantPast
    private var pausedUntil = Date.distantPast
    private(set) var haltReason: String?
    private var warnedDay: String?

    /// Creates the gate.
    public init(settings: GongSettings, store: StateStore, clock: any WallClock, logger: Logger) {
        self.store = store
        self.clock = clock
        self.interval = 1 / settings.requestsPerSecond
        self.dailyLimit = settings.dailyRequestLimit
        self.logger = logger
    }

    /// Waits until a request may be sent and counts it; throws ``Refusal`` while halted.
    public func acquire() async throws {
        while true {
            try Task.checkCancellation()
            if let haltReason { throw Refusal.halted(haltReason) }
            let now = clock.now()
            let ready = max(nextSlot, pausedUntil)
            if ready > now {
                try await clock.sleep(until: ready)
                continue
            }
            nextSlot = now.addingTimeInterval(interval)
            let day = Self.utcDay(now)
            if let used = try await store.reserveDailyRequest(day: day, limit: dailyLimit) {
                if Double(used) >= Double(dailyLimit) * 0.8, warnedDay != day { // no overflow for huge limits
                    warnedDay = day
                    logger.warning("daily request budget 80% used", metadata: ["used": "\(used)", "limit": "\(dailyLimit)"])
                }
                return
            }
            let midnight = Self.nextUTCMidnight(after: now)
            logger.warning("daily request budget exhausted; sending resumes at UTC midnight", metadata: ["limit": "\(dailyLimit)"])
            pausedUntil = max(pausedUntil, midnight)
        }
    }

    /// Stops every request until `seconds` have passed (a 429's `Retry-After`).
    public func pause(seconds: Double) {
        let until = clock.now().addingTimeInterval(seconds)
        if until > pausedUntil {
            DaemonMetrics.paused(seconds: until.timeIntervalSince(max(pausedUntil, clock.now())))
            pausedUntil = until
            logger.warning("rate limited by Gong; all requests paused", metadata: ["seconds": "\(seconds)"])
        }
    }

    /// Stops all sending (401/403).
    public func halt(_ reason: String) {
        if haltReason == nil {
            logger.error("sending stopped", metadata: ["reason": "\(reason)"])
        }
        haltReason = reason
    }

    /// Resumes after a halt.
    public func resume() {
        haltReason = nil
    }

    /// The daily request limit.
    public var limit: Int { dailyLimit }

    /// The configured request rate.
    public var requestsPerSecond: Double { 1 / interval }

    /// Whether the daily budget is spent (sending waits for UTC midnight).
    public var budgetExhausted: Bool {
        get async {
            let used = (try? await store.dailyUsage(day: Self.utcDay(clock.now()))) ?? 0
            return used >= dailyLimit
        }
    }

    /// Whether sending is halted, and why.
    public var halted: String? { haltReason }

    /// Until when requests are paused, if in the future.
    public var pauseEnd: Date? { pausedUntil > clock.now() ? pausedUntil : nil }

    /// `YYYY-MM-DD` of `date` in UTC.
    public static func utcDay(_ date: Date) -> String {
        String(ISOTimestamp.format(date).prefix(10))
    }

    static func nextUTCMidnight(after date: Date) -> Date {
        let day = (date.timeIntervalSince1970 / 86_400).rounded(.down)
        return Date(timeIntervalSince1970: (day + 1) * 86_400)
    }
}
