import Foundation

/// Small facts kept between runs (``MetaKey``), each scoped to the company, the node or the spool.
public protocol MetaStore: Sendable {
    /// The value stored under `key`, if any.
    func meta(_ key: MetaKey) async throws(StoreError) -> String?
    /// Stores `value` under `key`, or removes it (`nil`).
    func setMeta(_ key: MetaKey, _ value: String?) async throws(StoreError)
    /// Stores `value` under `key` unless one is there (in one statement: two nodes starting
    /// together agree); returns the value in force.
    func setMetaIfAbsent(_ key: MetaKey, _ value: String) async throws(StoreError) -> String
}

extension MetaStore {
    /// The time stored under `key` (seconds since the epoch), if any.
    public func metaDate(_ key: MetaKey) async throws(StoreError) -> Date? {
        try await meta(key).flatMap(Double.init).map { Date(timeIntervalSince1970: $0) }
    }

    /// When the last full rescan of the spool finished.
    public func lastFullRescan() async throws(StoreError) -> Date? {
        try await metaDate(.lastFullRescan)
    }

    /// Records the end of a full rescan.
    public func setLastFullRescan(_ date: Date) async throws(StoreError) {
        try await setMeta(.lastFullRescan, String(date.timeIntervalSince1970))
    }

    /// When Gong's user list was last fetched, or `nil`.
    public func gongUsersFetchedAt() async throws(StoreError) -> Date? {
        try await metaDate(.gongUsersFetchedAt)
    }

    /// Whether the backfill cutoff was fixed already (this is not the first start).
    public func hasBackfillCutoff() async throws(StoreError) -> Bool {
        try await meta(.backfillCutoff) != nil
    }

    /// The backfill cutoff, fixed at the first start (the first node to get here, in a fleet):
    /// `nil` takes everything. Later calls return what the first one stored, whatever
    /// `backfill` says now.
    public func backfillCutoff(_ backfill: Backfill, now: Date) async throws(StoreError) -> Date? {
        let cutoff: Date? =
            switch backfill {
            case .all: nil
            case .none: now
            case .since(let date): date
            }
        let stored = try await setMetaIfAbsent(.backfillCutoff, cutoff.map { String($0.timeIntervalSince1970) } ?? "all")
        return Double(stored).map { Date(timeIntervalSince1970: $0) }
    }
}
