import Foundation
import GRDB
import GongSpoolCore

extension SQLiteStateStore {
    public func recordings(in states: Set<RecordingState>?, limit: Int?, newestFirst: Bool) async throws(StoreError) -> [Recording] {
        try await read { db in
            var request = Recording.order(newestFirst ? Column("id").desc : Column("id"))
            if let states { request = request.filter(states.map(\.rawValue).contains(Column("state"))) }
            if let limit { request = request.limit(limit) }
            return try request.fetchAll(db)
        }
    }

    public func recordings(in states: Set<RecordingState>?, afterId: Int64, limit: Int) async throws(StoreError) -> [Recording] {
        try await read { db in
            var request = Recording.filter(Column("id") > afterId)
            if let states { request = request.filter(states.map(\.rawValue).contains(Column("state"))) }
            return try request.order(Column("id")).limit(limit).fetchAll(db)
        }
    }

    /// From the tallies (a few rows, whatever the history).
    public func countsByState() async throws(StoreError) -> [RecordingState: Int] {
        try await read { db in
            var counts = Dictionary(uniqueKeysWithValues: RecordingState.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT state, n FROM stateCounts")) {
                if let state = RecordingState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    public func history(of id: Int64) async throws(StoreError) -> [Transition] {
        try await read { db in
            try Transition.filter(Column("recordingId") == id).order(Column("id")).fetchAll(db)
        }
    }

    public func queueFacts() async throws(StoreError) -> QueueFacts {
        try await read { db in
            var facts = QueueFacts()
            facts.requestsNeeded =
                try Int.fetchOne(db.cachedStatement(sql: "SELECT \(QueueFacts.requestsNeededSQL) FROM recordings WHERE \(SQLFragment.inDelivery)"))
                ?? 0
            facts.oldestQueuedSince = try Date.fetchOne(
                db.cachedStatement(sql: "SELECT MIN(firstSeenAt) FROM recordings WHERE \(SQLFragment.inDelivery)"))
            // Tallies: the history is never scanned.
            facts.lastSuccess = try Self.meta(.lastSuccessAt, db).flatMap(Double.init).map { Date(timeIntervalSince1970: $0) }
            if let id = try Self.meta(.lastErrorTransition, db).flatMap(Int64.init) {
                facts.lastError = try Transition.fetchOne(db, key: id)
            }
            return facts
        }
    }

    public func skippedForContent(day: String) async throws(StoreError) -> [ErrorCode: Int] {
        try await read { db in
            var out: [ErrorCode: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT code, recordings FROM savedByDay WHERE day = ?", arguments: [day]) {
                if let code = ErrorCode(rawValue: row[0]) { out[code] = row[1] }
            }
            return out
        }
    }
}
