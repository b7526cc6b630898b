import Foundation
import GongSpoolCore
import Logging
import PostgresNIO

extension PostgresStateStore {
    /// Executes `tallies` in the current transaction; `errorLine` is the id of the history line
    /// that carried an error, if the change wrote one.
    static func count(_ connection: PostgresConnection, _ logger: Logger, _ tallies: Tallies, errorLine: Int64?) async throws {
        for (state, delta) in tallies.stateChanges {
            try await connection.run(
                """
                INSERT INTO stateCounts (state, n) VALUES (\(state.rawValue), \(Int64(delta)))
                ON CONFLICT (state) DO UPDATE SET n = stateCounts.n + EXCLUDED.n
                """, logger)
        }
        if let at = tallies.deliveredAt {
            try await setMeta(connection, logger, MetaKey.lastSuccessAt.rawValue, String(at.timeIntervalSince1970))
        }
        if let errorLine {
            try await setMeta(connection, logger, MetaKey.lastErrorTransition.rawValue, String(errorLine))
        }
        for (saved, n) in tallies.saved {
            try await connection.run(
                """
                INSERT INTO savedByDay (day, code, recordings) VALUES (\(saved.day), \(saved.code.rawValue), \(Int32(clamping: n)))
                ON CONFLICT (day, code) DO UPDATE SET recordings = savedByDay.recordings + EXCLUDED.recordings
                """, logger)
        }
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
