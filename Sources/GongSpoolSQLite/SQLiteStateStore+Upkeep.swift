import Foundation
import GRDB
import GongSpoolCore

extension SQLiteStateStore {
    /// Removes the history of recordings finished before `cutoff`; with `all`, their rows too —
    /// except rows whose files `stillInSpool` finds: forgetting their id would have the files
    /// taken again. (Without their row, a re-export of the same recording is no longer
    /// recognised: the dedup horizon ends at `cutoff`.) Then gives free pages back.
    public func prune(
        finishedBefore cutoff: Date, all: Bool,
        stillInSpool: @escaping @Sendable (Recording) -> Bool
    ) async throws(StoreError) -> PruneResult {
        let finished = "SELECT id FROM recordings WHERE state IN (\(SQLFragment.list(RecordingState.prunableStates))) AND updatedAt < ?"
        var kept: [Int64] = []
        if all {
            let candidates = try await read { db in
                try Recording.fetchAll(
                    db, sql: "SELECT * FROM recordings WHERE id IN (\(finished)) AND \(SQLFragment.notErased)", arguments: [cutoff])
            }
            kept = try await Self.mapErrors { try await BlockingIO.run { candidates.filter(stillInSpool).compactMap(\.id) } }
        }
        let keep = kept
        var result = try await write { db in
            var result = PruneResult()
            try db.execute(sql: "DELETE FROM transitions WHERE recordingId IN (\(finished))", arguments: [cutoff])
            result.transitions = db.changesCount
            if all {
                let doomed =
                    "id IN (\(finished)) AND \(SQLFragment.notErased)"
                    + (keep.isEmpty ? "" : " AND id NOT IN (" + keep.map(String.init).joined(separator: ",") + ")")
                var tallies = Tallies()
                for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) FROM recordings WHERE \(doomed) GROUP BY state", arguments: [cutoff]) {
                    if let state = RecordingState(rawValue: row[0]) { tallies.deleted(state, count: row[1]) }
                }
                try db.execute(sql: "DELETE FROM recordings WHERE \(doomed)", arguments: [cutoff])
                result.recordings = db.changesCount
                result.keptInSpool = keep.count
                try Self.count(tallies, errorLine: nil, db)
            }
            return result
        }
        result.pagesFreed = try await compact()
        return result
    }

    /// Runs `PRAGMA incremental_vacuum` (the database is created with `auto_vacuum=INCREMENTAL`);
    /// returns the pages freed.
    @discardableResult
    public func compact() async throws(StoreError) -> Int {
        try await Self.mapErrors {
            try await pool.writeWithoutTransaction { db in
                let before = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
                try db.execute(sql: "PRAGMA incremental_vacuum")
                let after = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
                return before - after
            }
        }
    }

    /// Writes a consistent copy of the database to `path` (SQLite's online backup: safe while
    /// the daemon writes). Refuses to overwrite an existing file.
    public func backup(to path: String) async throws(StoreError) {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw .open(path: path, underlying: "a file is already there; not overwritten")
        }
        try await Self.mapErrors {
            let target = try DatabaseQueue(path: path)
            try await BlockingIO.run { try pool.backup(to: target) }
            try target.close()
        }
    }
}
