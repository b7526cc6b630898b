import Foundation
import GongSpoolCore
import PostgresNIO

extension PostgresStateStore {
    public func prune(finishedBefore cutoff: Date, all: Bool, stillInSpool: @escaping @Sendable (Recording) -> Bool) async throws(StoreError)
        -> PruneResult
    {
        let states = RecordingState.prunableStates.map(\.rawValue)
        var kept: [Int64] = []
        if all {
            let candidates = try await recordings(
                """
                SELECT \(unescaped: Recording.postgresColumns) FROM recordings WHERE state = ANY(\(states)) AND updatedAt < \(cutoff) AND \(unescaped: SQLFragment.notErased)
                """)
            kept = candidates.filter(stillInSpool).compactMap(\.id)
        }
        let keep = kept
        let logger = logger
        // A year of history may take a while to delete: longer than an ordinary answer.
        return try await transaction(timeout: 3600) { connection in
            var result = PruneResult()
            result.transitions = try await connection.rows(
                """
                DELETE FROM transitions WHERE recordingId IN (SELECT id FROM recordings WHERE state = ANY(\(states)) AND updatedAt < \(cutoff)) RETURNING 1
                """, logger
            ).count
            if all {
                let deleted = try await connection.rows(
                    """
                    DELETE FROM recordings WHERE state = ANY(\(states)) AND updatedAt < \(cutoff) AND \(unescaped: SQLFragment.notErased) AND NOT (id = ANY(\(keep))) RETURNING state
                    """, logger)
                var tallies = Tallies()
                for row in deleted {
                    if let state = RecordingState(rawValue: try row.decode(String.self)) { tallies.deleted(state) }
                }
                try await Self.record(connection, logger, nil, node: nil, tallies: tallies, row: 0)
                result.recordings = deleted.count
                result.keptInSpool = keep.count
            }
            return result
        }
    }

    /// PostgreSQL is backed up with its own tools.
    public func backup(to path: String) async throws(StoreError) {
        throw .open(path: location, underlying: "a PostgreSQL state is backed up with pg_dump (see docs/fleet.md), not gongspool backup")
    }
}
