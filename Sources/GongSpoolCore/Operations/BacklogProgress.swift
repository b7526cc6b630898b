import Foundation

/// Follows the two backlogs an admin waits on — recordings being examined (`pending`) and
/// recordings being delivered (the delivery states) — from successive state counts, and says
/// how they move: a progress line every `interval` while one lasts, one line when it is
/// finished. A backlog gone before its first progress line says nothing (its recordings' own
/// lines told the story). Pure: the caller gives the counts and the time.
public struct BacklogProgress: Sendable {
    /// What to say, and at which level.
    public struct Note: Sendable, Equatable {
        /// The log message.
        public var message: String
        /// Whether this ends a backlog (`true`) or reports on one (`false`).
        public var finished: Bool
    }

    /// One backlog from its start: what it began with and what has left it since.
    struct Episode: Sendable {
        let startedAt: Date
        /// `done` and `held` when it began (delivery), to count what left the queue since.
        let baseDone: Int, baseHeld: Int
        /// Recordings that left the backlog since it began (intake: examined).
        var left = 0
        var lastNoteAt: Date
        var noted = false
    }

    /// Time between two progress lines of one backlog (0: never).
    public let interval: TimeInterval
    private var previous: [RecordingState: Int]?
    private var intake: Episode?
    private var delivery: Episode?

    /// Follows backlogs, reporting every `interval` seconds.
    public init(interval: TimeInterval) {
        self.interval = interval
    }

    /// Recordings in the delivery queue in `counts`.
    static func queued(_ counts: [RecordingState: Int]) -> Int {
        RecordingState.deliveryStates.reduce(0) { $0 + (counts[$1] ?? 0) }
    }

    /// Takes the counts as of `now`; `drainSeconds` estimates how long the queue (and the
    /// recordings still being examined) take at the current limits, `nil` when nothing moves
    /// (sending halted). Returns what to log.
    public mutating func observe(_ counts: [RecordingState: Int], now: Date, drainSeconds: Double?) -> [Note] {
        let prior = previous ?? counts
        previous = counts
        var notes: [Note] = []
        let pending = counts[.pending] ?? 0
        // Intake: what arrived is the growth of all rows; what left `pending` is the rest.
        let arrived = max(0, counts.values.reduce(0, +) - prior.values.reduce(0, +))
        let examined = max(0, (prior[.pending] ?? 0) + arrived - pending)
        if var episode = intake {
            episode.left += examined
            intake = episode
        } else if pending > 0 {
            intake = Episode(startedAt: now, baseDone: 0, baseHeld: 0, lastNoteAt: now)
        }
        if let note = Self.step(&intake, every: interval, remaining: pending, now: now, progress: Self.intakeProgress, finished: Self.intakeFinished)
        {
            notes.append(note)
        }
        let queue = Self.queued(counts)
        if var episode = delivery {
            episode.left = max(0, (counts[.done] ?? 0) - episode.baseDone)
            delivery = episode
        } else if queue > 0 {
            delivery = Episode(startedAt: now, baseDone: prior[.done] ?? 0, baseHeld: prior[.held] ?? 0, lastNoteAt: now)
        }
        let held = delivery.map { max(0, (counts[.held] ?? 0) - $0.baseHeld) } ?? 0
        let waiting = counts[.waiting] ?? 0
        if let note = Self.step(
            &delivery, every: interval, remaining: queue, now: now,
            progress: { Self.deliveryProgress($0, remaining: $1, waiting: waiting, held: held, drainSeconds: drainSeconds) },
            finished: { Self.deliveryFinished($0, held: held, seconds: $1) })
        {
            notes.append(note)
        }
        return notes
    }

    /// What the systemd `STATUS=` line adds while recordings are being examined.
    public var intakeStatus: String? {
        guard let intake, let pending = previous?[.pending], pending > 0 else { return nil }
        return "intake: \(Self.grouped(intake.left)) of \(Self.grouped(intake.left + pending)) examined"
    }

    /// Advances one backlog: a progress line when one is due, the finished line (once one
    /// progress line was said) when nothing remains.
    private static func step(
        _ episode: inout Episode?, every interval: TimeInterval, remaining: Int, now: Date, progress: (Episode, Int) -> String,
        finished: (Episode, Double) -> String
    ) -> Note? {
        guard var current = episode else { return nil }
        if remaining == 0 {
            episode = nil
            return current.noted ? Note(message: finished(current, now.timeIntervalSince(current.startedAt)), finished: true) : nil
        }
        guard interval > 0, now.timeIntervalSince(current.lastNoteAt) >= interval else { return nil }
        current.lastNoteAt = now
        current.noted = true
        episode = current
        return Note(message: progress(current, remaining), finished: false)
    }

    static func intakeProgress(_ episode: Episode, remaining: Int) -> String {
        "intake: \(grouped(episode.left)) of \(grouped(episode.left + remaining)) recordings examined"
    }

    static func intakeFinished(_ episode: Episode, seconds: Double) -> String {
        "intake finished: \(grouped(episode.left)) recordings examined in \(StatusReport.duration(seconds))"
    }

    /// The delivery progress line; no estimate when everything left waits for a retry (its time
    /// is the backoff's, not the limits').
    static func deliveryProgress(_ episode: Episode, remaining: Int, waiting: Int, held: Int, drainSeconds: Double?) -> String {
        let total = episode.left + remaining + held
        var line = "delivered \(grouped(episode.left)) of \(grouped(total)), \(grouped(remaining)) to go"
        if waiting > 0 { line += " (\(grouped(waiting)) waiting to be retried)" }
        if held > 0 { line += ", \(grouped(held)) held" }
        if waiting >= remaining {
            // Nothing to estimate: the rest waits for its retry time.
        } else if let drainSeconds {
            line += ", about \(StatusReport.duration(drainSeconds)) at the current limits"
        } else {
            line += "; sending is halted"
        }
        return line
    }

    static func deliveryFinished(_ episode: Episode, held: Int, seconds: Double) -> String {
        var line = "delivery finished: \(grouped(episode.left)) delivered in \(StatusReport.duration(seconds))"
        if held > 0 { line += "; \(grouped(held)) held for a person (gongspool list --state held)" }
        return line
    }

    /// `1,234,567`: digits grouped by thousands, whatever the locale.
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }
}
