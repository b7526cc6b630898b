import Foundation

/// What operators read: rows, their history, the counts and the queue's figures.
public protocol StatusStore: Sendable {
    /// Rows, optionally only those in `states`: oldest first, or (`newestFirst`) the newest `limit`.
    func recordings(in states: Set<RecordingState>?, limit: Int?, newestFirst: Bool) async throws(StoreError) -> [Recording]
    /// At most `limit` rows with an id above `afterId`, by id, optionally only those in
    /// `states`: a page of a walk over the rows that holds one page in memory (`report`, `list`).
    func recordings(in states: Set<RecordingState>?, afterId: Int64, limit: Int) async throws(StoreError) -> [Recording]
    /// Count of rows per state (every state present, zero when none), from the kept tallies.
    func countsByState() async throws(StoreError) -> [RecordingState: Int]
    /// The history of a recording, oldest first.
    func history(of id: Int64) async throws(StoreError) -> [Transition]
    /// Figures for `status`.
    func queueFacts() async throws(StoreError) -> QueueFacts
    /// Recordings skipped as too short or silent on UTC day `day` (`2026-11-30`), by cause.
    func skippedForContent(day: String) async throws(StoreError) -> [ErrorCode: Int]
}

extension StatusStore {
    /// Every row, or those in `states`, oldest first.
    public func recordings(in states: Set<RecordingState>? = nil) async throws(StoreError) -> [Recording] {
        try await recordings(in: states, limit: nil, newestFirst: false)
    }

    /// A page of a walk over every row (see ``recordings(in:afterId:limit:)``).
    public func recordings(afterId: Int64, limit: Int) async throws(StoreError) -> [Recording] {
        try await recordings(in: nil, afterId: afterId, limit: limit)
    }

    /// At most `limit` rows, oldest first.
    public func recordings(limit: Int) async throws(StoreError) -> [Recording] {
        try await recordings(in: nil, limit: limit, newestFirst: false)
    }
}
