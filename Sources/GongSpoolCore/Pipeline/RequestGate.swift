import Foundation
import Logging

/// The single gate every Gong request passes: a token bucket (`gong.requestsPerSecond`,
/// burst 1), a global pause after a 429 until `Retry-After` has passed, a daily budget
/// counted in the state store before the request is sent (so a crash never under-counts), and
/// a halt after 401/403 that stops all sending until released. In a fleet, the rate, the pause
/// and the daily budget are the fleet's (``StateStore/reserveSlot(interval:)``).
public actor RequestGate {
    /// Why a request may not be sent.
    public enum Refusal: Error, Equatable, Sendable {
        /// Sending is halted (credentials rejected).
        case halted(String)
    }

    private let store: any GateStore & MetaStore
    private let clock: any WallClock
    private let interval: Double
    private let dailyLimit: Int
    private let logger: Logger
    private let health: DaemonHealth?
    private var nextSlot = Date.distantPast
    private var pausedUntil = Date.distantPast
    private(set) var haltReason: String?
    private var unreachableSince: Date?
    private var warnedDay: String?
    /// The recording whose media upload was last answered 415 (since the last accepted one).
    private var mediaRefusedBy: Int64?

    /// Creates the gate; waits are reported to `health` as rests of the waiting loop.
    public init(settings: GongSettings, store: any GateStore & MetaStore, clock: any WallClock, logger: Logger, health: DaemonHealth? = nil) {
        self.store = store
        self.clock = clock
        self.interval = 1 / settings.requestsPerSecond
        self.dailyLimit = settings.dailyRequestLimit
        self.logger = logger
        self.health = health
    }

    /// Waits until a request may be sent and counts it; throws ``Refusal`` while halted.
    /// `loop` names the caller for the watchdog: waiting here is resting, not stalling.
    /// Returns the UTC day the request was counted on (for ``settle(_:countedOn:)``).
    @discardableResult
    public func acquire(as loop: String? = nil) async throws -> String {
        while true {
            try Task.checkCancellation()
            if let haltReason { throw Refusal.halted(haltReason) }
            let now = clock.now()
            let ready = max(nextSlot, pausedUntil)
            if ready > now {
                if let loop { await health?.rest(loop, until: ready) }
                try await clock.sleep(until: ready)
                continue
            }
            nextSlot = now.addingTimeInterval(interval)
            let day = ISOTimestamp.utcDay(now)
            if let used = try await store.reserveDailyRequest(day: day, limit: dailyLimit) {
                if Double(used) >= Double(dailyLimit) * 0.8, warnedDay != day {  // no overflow for huge limits
                    warnedDay = day
                    logger.warning("daily request budget 80% used", metadata: ["used": "\(used)", "limit": "\(dailyLimit)"])
                }
                // In a fleet, the company's rate is shared: wait for this request's slot in the
                // fleet's schedule (which also holds a pause any node was asked for).
                let wait = RetryAfter.bounded(try await store.reserveSlot(interval: interval), now: clock.now()).seconds
                if wait > 0 {
                    let slot = clock.now().addingTimeInterval(wait)
                    if let loop { await health?.rest(loop, until: slot) }
                    try await clock.sleep(until: slot)
                }
                // The slot is a schedule; what Gong counts is when requests arrive. The request
                // leaves only when the fleet's real sends allow it (and no pause holds).
                while true {
                    let more = RetryAfter.bounded(try await store.confirmSend(sendWindow), now: clock.now()).seconds
                    guard more > 0 else { break }
                    let later = clock.now().addingTimeInterval(more)
                    if let loop { await health?.rest(loop, until: later) }
                    try await clock.sleep(until: later)
                }
                return day
            }
            let midnight = ISOTimestamp.nextUTCMidnight(after: now)
            logger.warning("daily request budget exhausted; sending resumes at UTC midnight", metadata: ["limit": "\(dailyLimit)"])
            pausedUntil = max(pausedUntil, midnight)
        }
    }

    /// Takes the answer to a request counted on `day`: one that proves the request never left
    /// (Gong unreachable, a connect timeout) gives its budget back, and Gong's reachability is
    /// kept — one line when it goes and one when it is back, not a warning per recording — in
    /// the state (`status`, `/healthz`) and a metric.
    public func settle(_ reply: GongReply, countedOn day: String) async {
        switch reply {
        case .transport(let code, let message) where code.neverReachedGong:
            do {
                try await store.releaseDailyRequest(day: day)
            } catch {
                logger.warning("a request that never left could not be given back to the daily budget", metadata: ["error": "\(error)"])
            }
            guard unreachableSince == nil else { return }
            let since = clock.now()
            unreachableSince = since
            DaemonMetrics.gongReachable(false, since: since)
            logger.warning("Gong unreachable; requests are retried and cost no budget until it answers", metadata: ["error": "\(message)"])
            try? await store.setMeta(.gongUnreachable, ISOTimestamp.format(since) + " " + message.prefix(200))
        case .http:
            guard let since = unreachableSince else { return }
            unreachableSince = nil
            DaemonMetrics.gongReachable(true, since: since)
            logger.info("Gong reachable again", metadata: ["unreachableSeconds": "\(Bounded.text(clock.now().timeIntervalSince(since).rounded()))"])
            try? await store.setMeta(.gongUnreachable, nil)
        case .transport:
            break
        }
    }

    /// Since when Gong could not be reached, if it cannot now.
    public var unreachable: Date? { unreachableSince }

    /// Stops every request until `seconds` have passed (a 429's `Retry-After`). The end is kept in
    /// the state store, so a restarted or reloaded daemon waits for it too.
    /// `note` says why Gong's `Retry-After` was not taken as it stood; the wait is bounded by
    /// ``RetryAfter/bounded(_:now:)`` whoever asks.
    public func pause(seconds asked: Double, note: String? = nil) async {
        let now = clock.now()
        let bounded = RetryAfter.bounded(asked, now: now)
        let (seconds, note) = (bounded.seconds, note ?? bounded.note)
        let until = now.addingTimeInterval(seconds)
        if until > pausedUntil {
            DaemonMetrics.paused(seconds: until.timeIntervalSince(max(pausedUntil, now)))
            pausedUntil = until
            var metadata: Logger.Metadata = ["seconds": "\(Bounded.text(seconds))"]
            if let note { metadata["note"] = "\(note)" }
            logger.warning("rate limited by Gong; all requests paused", metadata: metadata)
            do {
                try await store.recordPause(seconds: seconds, until: until)
            } catch {
                logger.error("the pause could not be recorded; a restart may ask Gong too early", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Takes up "Gong unreachable since" from before a restart (cleared by the first answer).
    public func restoreReachability() async throws {
        guard unreachableSince == nil, let stored = try await store.meta(.gongUnreachable),
            let since = ISOTimestamp.parse(String(stored.prefix { $0 != " " }))
        else {
            DaemonMetrics.gongReachable(unreachableSince == nil, since: unreachableSince ?? clock.now())
            return
        }
        unreachableSince = since
        DaemonMetrics.gongReachable(false, since: since)
    }

    /// Takes up a pause Gong asked for before a restart or reload.
    public func restorePause() async throws {
        guard let stored = try await store.meta(.pausedUntil).flatMap(Double.init) else { return }
        let now = clock.now()
        // A pause kept by an older version (or written by hand) is bounded like a new one.
        let left = RetryAfter.bounded(stored - now.timeIntervalSince1970, now: now)
        if let note = left.note {
            logger.warning("the pause kept from before the restart was too long; shortened", metadata: ["note": "\(note)"])
        }
        let until = now.addingTimeInterval(left.seconds)
        if left.seconds > 0 {
            pausedUntil = max(pausedUntil, until)
            logger.info("Gong asked for a pause before the restart; waiting for it", metadata: ["until": "\(ISOTimestamp.format(until))"])
        }
    }

    /// Stops all sending (401/403, an endpoint that is not Gong's API); kept in the state store
    /// for `status` until sending resumes.
    public func halt(_ reason: String) async {
        if haltReason == nil {
            logger.error("sending stopped", metadata: ["reason": "\(reason)"])
        }
        haltReason = reason
        try? await store.setMeta(.sendingHalted, ISOTimestamp.format(clock.now()) + " " + reason)
    }

    /// A 415 on a media upload is that file's problem, unless the upload before it, of another
    /// recording, was refused so too: then the upload path is wrong (a proxy, a body GongSpool
    /// builds wrongly) and `outcome` comes back `repeated`, which halts sending. Any accepted
    /// upload ends the streak.
    public func noteMediaAnswer(_ outcome: GongOutcome, of recording: Int64) -> GongOutcome {
        switch outcome {
        case .mediaTypeRefused(let message, _):
            let repeated = mediaRefusedBy.map { $0 != recording } ?? false
            mediaRefusedBy = recording
            return .mediaTypeRefused(message: message, repeated: repeated)
        case .mediaAccepted, .mediaAlreadyThere:
            mediaRefusedBy = nil
            return outcome
        default:
            return outcome
        }
    }

    /// Resumes after a halt.
    public func resume() async {
        haltReason = nil
        try? await store.setMeta(.sendingHalted, nil)
    }

    /// The fleet's send window: requests at least one interval apart, and at most `count` in
    /// any `seconds` (the configured rate, over a window widened by ``sendMargin`` for the
    /// jitter between a send and its arrival).
    var sendWindow: SendWindow {
        let count = max(1, Int((1 / interval + 1e-9).rounded(.down)))
        return SendWindow(count: count, seconds: Double(count) * interval + Self.sendMargin, spacing: interval)
    }

    /// Seconds added to the send window: event-loop and network jitter between hosts (a
    /// request recorded as sent may arrive this much later than the one before it).
    static let sendMargin = 0.06

    /// The gate's clock's "now".
    public var now: Date { clock.now() }

    /// The daily request limit.
    public var limit: Int { dailyLimit }

    /// The configured request rate.
    public var requestsPerSecond: Double { 1 / interval }

    /// Whether the daily budget is spent (sending waits for UTC midnight).
    public var budgetExhausted: Bool {
        get async {
            let used = (try? await store.dailyUsage(day: ISOTimestamp.utcDay(clock.now()))) ?? 0
            return used >= dailyLimit
        }
    }

    /// Whether sending is halted, and why.
    public var halted: String? { haltReason }

    /// Until when requests are paused, if in the future.
    public var pauseEnd: Date? { pausedUntil > clock.now() ? pausedUntil : nil }
}
