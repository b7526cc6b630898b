import Foundation
import GRDB
import GongSpoolCore

extension SQLiteStateStore {
    /// Executes `tallies` in the current transaction; `errorLine` is the id of the history line
    /// that carried an error, if the change wrote one.
    static func count(_ tallies: Tallies, errorLine: Int64?, _ db: Database) throws {
        for (state, delta) in tallies.stateChanges {
            try db.execute(
                sql: """
                    INSERT INTO stateCounts (state, n) VALUES (?, ?) ON CONFLICT (state) DO UPDATE SET n = stateCounts.n + excluded.n
                    """, arguments: [state.rawValue, delta])
        }
        if let at = tallies.deliveredAt {
            try setMeta(.lastSuccessAt, String(at.timeIntervalSince1970), db)
        }
        if let errorLine {
            try setMeta(.lastErrorTransition, String(errorLine), db)
        }
        for (saved, n) in tallies.saved {
            try db.execute(
                sql: """
                    INSERT INTO savedByDay (day, code, recordings) VALUES (?, ?, ?)
                    ON CONFLICT (day, code) DO UPDATE SET recordings = savedByDay.recordings + excluded.recordings
                    """, arguments: [saved.day, saved.code.rawValue, n])
        }
    }

    /// Counts the rows per state again from the rows themselves (a migration, or rows written
    /// by hand).
    static func recount(_ db: Database) throws {
        try db.execute(
            sql: """
                DELETE FROM stateCounts;
                INSERT INTO stateCounts (state, n) SELECT state, COUNT(*) FROM recordings GROUP BY state;
                """)
    }
}
