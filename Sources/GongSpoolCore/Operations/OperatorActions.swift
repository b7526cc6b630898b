import Foundation

/// What operators do to the queue (`retry`, `hold`, `release`, `accept`, `forget`), safe to run
/// while the daemon works on the same database: each is one lifecycle event applied in one
/// transaction, and the lifecycle refuses what the recording's state does not allow.
public struct OperatorActions: Sendable {
    let store: any LifecycleStore & MetaStore
    let clock: any WallClock

    /// Creates the actions over `store`.
    public init(store: any LifecycleStore & MetaStore, clock: any WallClock = SystemWallClock()) {
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

    /// Finds a recording by row id, clientUniqueId or path.
    public func find(_ key: String) async throws -> Recording {
        guard let row = try await store.find(key) else { throw Refusal.notFound(key) }
        return row
    }

    /// Tries a held, waiting, rejected, orphaned, skipped or duplicate recording again now,
    /// attempts reset; input problems go back to intake to be examined again.
    @discardableResult
    public func retry(_ key: String) async throws -> Recording {
        try await perform(.retry, on: key)
    }

    /// Parks a queued recording so the daemon leaves it alone.
    @discardableResult
    public func hold(_ key: String) async throws -> Recording {
        try await perform(.hold, on: key)
    }

    /// Puts a `held` recording back where it was.
    @discardableResult
    public func release(_ key: String) async throws -> Recording {
        try await perform(.release, on: key)
    }

    /// Marks a recording held for `foreign_media` or `media_on_other_call` delivered, after the
    /// operator checked the call in Gong. Its files are kept.
    @discardableResult
    public func accept(_ key: String) async throws -> Recording {
        try await perform(.accept, on: key)
    }

    /// Deletes a recording and its history so its files are taken anew (its duplicates are
    /// examined again). Refused while a request is on the wire. Then asks the daemon's intake to
    /// list the whole spool at its next poll (``MetaKey/rescanRequested``), so the files are
    /// taken again then — not at the next scheduled full rescan.
    public func forget(_ key: String) async throws -> Recording {
        let row = try await find(key)
        try await perform(.forget, on: key)
        try await store.setMeta(.rescanRequested, String(clock.now().timeIntervalSince1970))
        return row
    }

    @discardableResult
    private func perform(_ event: LifecycleEvent, on key: String) async throws -> Recording {
        let row = try await find(key)
        guard let id = row.id else { throw Refusal.notFound(key) }
        do {
            return try await store.apply(id, event, context: EventContext(now: clock.now())).row
        } catch StoreError.refused(_, let refusal) {
            throw Refusal.wrongState(key, refusal.state, refusal.hint)
        }
    }
}
