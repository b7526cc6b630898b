import Foundation
import GRDB

/// What `gongspool prune` removed.
public struct PruneResult: Sendable, Equatable {
    /// Transitions (history lines) deleted.
    public var transitions = 0
    /// Recording rows deleted (`--all` only).
    public var recordings = 0
    /// Database pages given back to the file system.
    public var pagesFreed = 0
}

extension StateStore {
    /// States whose history may be pruned: finished, nothing left to do.
    public static let prunableStates: [RecordingState] = [.done, .duplicate, .skipped]

    /// Removes the history of recordings finished before `cutoff`; with `all`, their rows too
    /// (then a re-export of the same recording is no longer recognised as a duplicate — the
    /// dedup horizon ends at `cutoff`). Then gives free pages back (incremental vacuum).
    public func prune(finishedBefore cutoff: Date, all: Bool) async throws(StoreError) -> PruneResult {
        let states = Self.prunableStates.map(\.rawValue)
        var result = try await write { db in
            var result = PruneResult()
            let marks = Array(repeating: "?", count: states.count).joined(separator: ",")
            var arguments = StatementArguments(states)
            arguments += [cutoff]
            let finished = "SELECT id FROM recordings WHERE state IN (\(marks)) AND updatedAt < ?"
            try db.execute(sql: "DELETE FROM transitions WHERE recordingId IN (\(finished))", arguments: arguments)
            result.transitions = db.changesCount
            if all {
                try db.execute(sql: "DELETE FROM recordings WHERE id IN (\(finished))", arguments: arguments)
                result.recordings = db.changesCount
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
}
