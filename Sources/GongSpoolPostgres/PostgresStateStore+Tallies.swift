import Foundation
import GongSpoolCore
import Logging
import PostgresNIO

extension PostgresStateStore {
    /// Shards of each state's count (`stateCounts`): a change counts in its row's.
    static let countShards: Int64 = 16

    /// Appends `line` (if the change writes one, naming the node that wrote it) and executes
    /// `tallies` (counted in the shard of row `row`), in one statement of the current
    /// transaction — a fleet's every change is a round trip to its server, so the history and
    /// the counts travel together. Returns the line's id.
    @discardableResult
    static func record(
        _ connection: PostgresConnection, _ logger: Logger, _ line: Transition?, node: String?, tallies: Tallies, row: Int64
    ) async throws -> Int64? {
        var binds = PostgresBindings()
        func bind<T: PostgresNonThrowingEncodable>(_ value: T) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        func bind<T: PostgresNonThrowingEncodable>(_ value: T?) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        var steps: [String] = []
        if let line {
            steps.append(
                """
                line AS (INSERT INTO transitions (recordingId, at, fromState, toState, reason, errorCode, attempt, node)
                    VALUES (\(bind(line.recordingId)), \(bind(line.at)), \(bind(line.fromState?.rawValue)), \(bind(line.toState.rawValue)),
                            \(bind(line.reason)), \(bind(line.errorCode?.rawValue)), \(bind(Int32(clamping: line.attempt))), \(bind(node)))
                    RETURNING id)
                """)
            if tallies.errorLine {
                steps.append(
                    """
                    lastError AS (INSERT INTO meta (key, value) SELECT \(bind(MetaKey.lastErrorTransition.rawValue)), id::text FROM line
                        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value)
                    """)
            }
        }
        let changes = tallies.stateChanges
        if !changes.isEmpty {
            steps.append(
                """
                counts AS (INSERT INTO stateCounts (state, shard, n)
                    SELECT state, \(bind(Int32(abs(row % countShards)))), n
                    FROM unnest(\(bind(changes.map(\.state.rawValue)))::text[], \(bind(changes.map { Int64($0.delta) }))::bigint[]) AS change(state, n)
                    ON CONFLICT (state, shard) DO UPDATE SET n = stateCounts.n + EXCLUDED.n)
                """)
        }
        if let at = tallies.deliveredAt {
            steps.append(
                """
                delivered AS (INSERT INTO meta (key, value) VALUES (\(bind(MetaKey.lastSuccessAt.rawValue)), \(bind(String(at.timeIntervalSince1970))))
                    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value)
                """)
        }
        if !tallies.saved.isEmpty {
            let saved = tallies.saved.sorted { ($0.key.day, $0.key.code.rawValue) < ($1.key.day, $1.key.code.rawValue) }
            steps.append(
                """
                saved AS (INSERT INTO savedByDay (day, code, recordings)
                    SELECT * FROM unnest(\(bind(saved.map(\.key.day)))::text[], \(bind(saved.map(\.key.code.rawValue)))::text[],
                                         \(bind(saved.map { Int32(clamping: $0.value) }))::integer[])
                    ON CONFLICT (day, code) DO UPDATE SET recordings = savedByDay.recordings + EXCLUDED.recordings)
                """)
        }
        guard !steps.isEmpty else { return nil }
        // Data-modifying steps run once whether or not the final query reads them.
        let sql = "WITH " + steps.joined(separator: ",\n") + (line == nil ? " SELECT NULL::bigint" : " SELECT id FROM line")
        return try await connection.rows(PostgresQuery(unsafeSQL: sql, binds: binds), logger).first?.decode(Int64?.self)
    }

    /// Sets (or, with `nil`, removes) a `meta` key, by its stored name.
    static func setMeta(_ connection: PostgresConnection, _ logger: Logger, _ key: String, _ value: String?) async throws {
        if let value {
            try await connection.run(
                "INSERT INTO meta (key, value) VALUES (\(key), \(value)) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", logger)
        } else {
            try await connection.run("DELETE FROM meta WHERE key = \(key)", logger)
        }
    }
}
