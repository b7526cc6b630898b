import Foundation

/// What the running daemon knows about its own health, shared by its services: whether its
/// loops turn (the systemd watchdog is pinged only while they do), and the problems that do
/// not show in the queue — a state store that keeps failing, Gong's user list not fetchable.
public actor DaemonHealth {
    private struct Beat {
        var last: Date
        var restingUntil: Date?
    }

    private let clock: any WallClock
    private var beats: [String: Beat] = [:]
    private var storeFailure: (since: Date, message: String)?
    private var userListProblem: String?
    private var spoolProblem: String?

    /// Health for a daemon on `clock`.
    public init(clock: any WallClock) {
        self.clock = clock
    }

    /// Loop `name` turned (made progress) now.
    public func beat(_ name: String) {
        beats[name] = Beat(last: clock.now(), restingUntil: nil)
    }

    /// Loop `name` waits, by design, until `until` (a paused gate, a request's deadline, the poll
    /// interval): it counts as turning until then.
    public func rest(_ name: String, until: Date) {
        beats[name] = Beat(last: clock.now(), restingUntil: until)
    }

    /// Loop `name` waits, by design, for `seconds` from now.
    public func rest(_ name: String, seconds: TimeInterval) {
        rest(name, until: clock.now().addingTimeInterval(seconds))
    }

    /// Loop `name` ended (it is no longer watched).
    public func retire(_ name: String) {
        beats.removeValue(forKey: name)
    }

    /// Loops that have neither turned nor been resting for more than `limit` seconds.
    public func stalled(limit: TimeInterval) -> [String] {
        let now = clock.now()
        return beats.filter { _, beat in
            let alive = max(beat.last, beat.restingUntil ?? beat.last)
            return now.timeIntervalSince(alive) > limit
        }.keys.sorted()
    }

    /// The state store failed (a write or a read the daemon needs).
    public func storeFailed(_ message: String) {
        if storeFailure == nil { storeFailure = (clock.now(), message) } else { storeFailure?.message = message }
    }

    /// The state store works again.
    public func storeRecovered() {
        storeFailure = nil
    }

    /// Sets (or clears, with `nil`) the problem fetching Gong's user list.
    public func setUserListProblem(_ problem: String?) {
        userListProblem = problem
    }

    /// Sets (or clears, with `nil`) why the spool directory cannot be read.
    public func setSpoolProblem(_ problem: String?) {
        spoolProblem = problem
    }

    /// Reasons a person should act on, for `/healthz`.
    public func problems() -> [String] {
        var out: [String] = []
        if let storeFailure {
            out.append("state store failing since \(ISOTimestamp.format(storeFailure.since)): \(storeFailure.message)")
        }
        if let userListProblem { out.append("Gong user list: \(userListProblem)") }
        if let spoolProblem { out.append("spool not readable: \(spoolProblem)") }
        return out
    }
}
