import Foundation
import GongSpoolCore
import PostgresNIO

extension PostgresStateStore {
    /// The `WHERE` of a due row this node may take.
    private static let dueCondition = """
        spool = $1 AND \(SQLFragment.inDelivery)
        AND (nextAttemptAt IS NULL OR nextAttemptAt <= $2)
        AND (leaseNode IS NULL OR leaseNode = $3 OR leaseUntil < clock_timestamp())
        AND NOT (id = ANY($4))
        """

    private func dueBindings(now: Date, busy: Set<Int64>) throws(StoreError) -> PostgresBindings {
        var binds = PostgresBindings(capacity: 5)
        binds.append(try requireSpool())
        binds.append(now)
        binds.append(node ?? "")
        binds.append(Array(busy))
        return binds
    }

    public func nextDue(now: Date, excluding busy: Set<Int64>, order: QueueOrder) async throws(StoreError) -> Recording? {
        let direction = order == .newestFirst ? "DESC" : "ASC"
        var binds = try dueBindings(now: now, busy: busy)
        guard node != nil else {
            return try await recordings(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT \(Recording.postgresColumns) FROM recordings WHERE \(Self.dueCondition)
                        ORDER BY callId IS NULL, mtimeNs \(direction), id \(direction) LIMIT 1
                        """, binds: binds)
            ).first
        }
        binds.append(leaseSeconds)
        return try await recordings(
            PostgresQuery(
                unsafeSQL: """
                    UPDATE recordings SET leaseNode = $3, leaseUntil = clock_timestamp() + $5 * interval '1 second'
                    WHERE id = (SELECT id FROM recordings WHERE \(Self.dueCondition)
                                ORDER BY callId IS NULL, mtimeNs \(direction), id \(direction) LIMIT 1 FOR UPDATE SKIP LOCKED)
                    RETURNING \(Recording.postgresColumns)
                    """, binds: binds)
        ).first
    }

    public func isDue(now: Date, excluding busy: Set<Int64>) async throws(StoreError) -> Bool {
        let binds = try dueBindings(now: now, busy: busy)
        return try await !rows(PostgresQuery(unsafeSQL: "SELECT 1 FROM recordings WHERE \(Self.dueCondition) LIMIT 1", binds: binds)).isEmpty
    }

    public func renewLeases(_ ids: Set<Int64>) async throws(StoreError) -> Set<Int64> {
        guard let node, !ids.isEmpty else { return [] }
        var lost = ids
        for row in try await rows(
            """
            UPDATE recordings SET leaseUntil = clock_timestamp() + \(leaseSeconds) * interval '1 second'
            WHERE id = ANY(\(Array(ids))) AND leaseNode = \(node) RETURNING id
            """)
        {
            if let id = try? row.decode(Int64.self) { lost.remove(id) }
        }
        return lost
    }

    public func releaseLease(_ id: Int64) async throws(StoreError) {
        guard let node else { return }
        try await run("UPDATE recordings SET leaseNode = NULL, leaseUntil = NULL WHERE id = \(id) AND leaseNode = \(node)")
    }

    public func nextRetryAt() async throws(StoreError) -> Date? {
        let spool = try requireSpool()
        return try await value(
            "SELECT MIN(nextAttemptAt) FROM recordings WHERE spool = \(spool) AND state = \(RecordingState.waiting.rawValue)", Date?.self) ?? nil
    }

    public func hasQueuedWork() async throws(StoreError) -> Bool {
        let spool = try requireSpool()
        return try await !rows(
            """
            SELECT 1 FROM recordings WHERE spool = \(spool) AND \(unescaped: SQLFragment.inDelivery) LIMIT 1
            """
        ).isEmpty
    }
}
