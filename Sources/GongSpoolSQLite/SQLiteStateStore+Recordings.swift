import Foundation
import GongSpoolCore
import GRDB

extension SQLiteStateStore {
    /// One recording by row id, clientUniqueId (owned, or given by its files), or stem.
    public func find(_ key: String) async throws(StoreError) -> Recording? {
        try await read { db in
            if let id = Int64(key), let row = try Recording.fetchOne(db, key: id) { return row }
            if let row = try Recording.filter(Column("clientUniqueId") == key).fetchOne(db) { return row }
            // Skipped, held or a duplicate before (or without) owning the id its files give.
            if let row = try Recording.filter(Column("filesClientUniqueId") == key).order(Column("id").desc).fetchOne(db) { return row }
            return try Recording.filter(Column("stem") == key || Column("audioPath") == key)
                .order(Column("id").desc).fetchOne(db)
        }
    }

    /// Rows, optionally only those in `states`, oldest first.
    public func recordings(in states: Set<RecordingState>? = nil, limit: Int? = nil) async throws(StoreError) -> [Recording] {
        try await read { db in
            var request = Recording.order(Column("id"))
            if let states { request = request.filter(states.map(\.rawValue).contains(Column("state"))) }
            if let limit { request = request.limit(limit) }
            return try request.fetchAll(db)
        }
    }

    /// Count of rows per state (every state present, zero when none), from the counts the
    /// triggers keep (a few rows, whatever the history).
    public func countsByState() async throws(StoreError) -> [RecordingState: Int] {
        try await read { db in
            var counts = Dictionary(uniqueKeysWithValues: RecordingState.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT state, n FROM stateCounts")) {
                if let state = RecordingState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    /// The history of a recording, oldest first.
    public func history(of id: Int64) async throws(StoreError) -> [Transition] {
        try await read { db in
            try Transition.filter(Column("recordingId") == id).order(Column("id")).fetchAll(db)
        }
    }
}
