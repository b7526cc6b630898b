import Foundation
import GRDB
import GongSpoolCore

extension SQLiteStateStore {
    public func nextDue(now: Date, excluding busy: Set<Int64>, order: QueueOrder) async throws(StoreError) -> Recording? {
        try await read { db in
            let direction = order == .newestFirst ? "DESC" : "ASC"
            let marks = busy.isEmpty ? "" : "AND id NOT IN (" + busy.map(String.init).joined(separator: ",") + ")"
            let sql = """
                SELECT * FROM recordings
                WHERE \(SQLFragment.inDelivery) AND (nextAttemptAt IS NULL OR nextAttemptAt <= ?) \(marks)
                ORDER BY callId IS NULL, mtimeNs \(direction), id \(direction)
                LIMIT 1
                """
            // The idle question (nothing busy) is asked again and again: prepared once.
            let statement = busy.isEmpty ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
            return try Recording.fetchOne(statement, arguments: [now])
        }
    }

    public func isDue(now: Date, excluding busy: Set<Int64>) async throws(StoreError) -> Bool {
        try await nextDue(now: now, excluding: busy, order: .newestFirst) != nil
    }

    public func nextRetryAt() async throws(StoreError) -> Date? {
        try await read { db in
            try Date.fetchOne(db.cachedStatement(sql: "SELECT MIN(nextAttemptAt) FROM recordings WHERE state = '\(RecordingState.waiting.rawValue)'"))
        }
    }

    public func hasQueuedWork() async throws(StoreError) -> Bool {
        try await read { db in
            try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM recordings WHERE \(SQLFragment.inDelivery))")) ?? false
        }
    }

    /// One node works a SQLite state: nothing is leased.
    public func renewLeases(_ ids: Set<Int64>) async throws(StoreError) -> Set<Int64> { [] }

    /// One node works a SQLite state: nothing is leased.
    public func releaseLease(_ id: Int64) async throws(StoreError) {}
}
