import Foundation

/// What operators do to the queue (`retry`, `hold`, `release`, `forget`), safe to run while the
/// daemon works on the same database: each change is one transaction that checks the state it
/// expects, and the daemon checks the state it expects before every request.
public struct OperatorActions: Sendable {
    let store: StateStore
    let clock: any WallClock

    /// Creates the actions over `store`.
    public init(store: StateStore, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    /// Why an operator action was refused.
    public enum Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        /// No such recording.
        case notFound(String)
        /// The recording is in a state the action does not apply to.
        case wrongState(String, RecordingState, String)

        public var description: String {
            switch self {
            case .notFound(let key): "no recording \(key)"
            case .wrongState(let key, let state, let hint): "recording \(key) is \(state.rawValue): \(hint)"
            }
        }
    }

    /// The queue state a released or retried recording goes back to.
    static func resumeState(_ row: Recording) -> RecordingState {
        row.clientUniqueId == nil ? .pending : (row.callId == nil ? .ready : .created)
    }

    /// Finds a recording by row id, clientUniqueId or path.
    public func find(_ key: String) async throws -> Recording {
        guard let row = try await store.find(key) else { throw Refusal.notFound(key) }
        return row
    }

    /// Tries a `held`, `waiting`, `rejected` or `orphaned` recording again now, attempts reset.
    /// Invalid input goes back to intake (`pending`) to be examined again.
    @discardableResult
    public func retry(_ key: String) async throws -> Recording {
        let row = try await find(key)
        let allowed: Set<RecordingState> = [.held, .waiting, .rejected, .orphaned, .skipped]
        guard let id = row.id, allowed.contains(row.state) else {
            throw Refusal.wrongState(key, row.state, "only held, waiting, rejected, orphaned or skipped recordings can be retried")
        }
        let target: RecordingState = [.rejected, .orphaned, .skipped].contains(row.state) ? .pending : Self.resumeState(row)
        return try await store.transition(id, to: target, reason: "retry requested by operator", expecting: allowed, now: clock.now()) {
            $0.attempts = 0
            $0.firstAttemptAt = nil
            $0.nextAttemptAt = nil
            if target == .pending {
                // Forget the fingerprint so intake examines the files again.
                $0.size = nil
            }
        }
    }

    /// Parks a queued recording so the daemon leaves it alone.
    @discardableResult
    public func hold(_ key: String) async throws -> Recording {
        let row = try await find(key)
        let allowed: Set<RecordingState> = [.pending, .ready, .created, .waiting]
        guard let id = row.id, allowed.contains(row.state) else {
            throw Refusal.wrongState(key, row.state, row.state.isInFlight ? "a request is on the wire; try again in a moment" : "nothing to hold")
        }
        return try await store.transition(id, to: .held, reason: "held by operator", errorCode: "operator_hold", expecting: allowed, now: clock.now())
    }

    /// Puts a `held` recording back in the queue.
    @discardableResult
    public func release(_ key: String) async throws -> Recording {
        let row = try await find(key)
        guard let id = row.id, row.state == .held else {
            throw Refusal.wrongState(key, row.state, "only held recordings can be released")
        }
        return try await store.transition(id, to: Self.resumeState(row), reason: "released by operator", expecting: [.held], now: clock.now()) {
            $0.nextAttemptAt = nil
            if $0.lastErrorCode == "credentials_rejected" { $0.lastErrorCode = "released" }
        }
    }

    /// Deletes a recording and its history so its files are taken anew. Refused while in flight.
    public func forget(_ key: String) async throws -> Recording {
        let row = try await find(key)
        guard let id = row.id, ![.creating, .uploading].contains(row.state) else {
            throw Refusal.wrongState(key, row.state, "a request is on the wire; hold it first")
        }
        try await store.delete(id)
        return row
    }
}
