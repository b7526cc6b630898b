import Foundation
import GRDB

extension StateStore {
    /// Inserts a new row and its first history entry, in one transaction.
    public func insert(_ recording: Recording) async throws(StoreError) -> Recording {
        try await write { db in
            var row = recording
            try row.insert(db)
            try Self.log(db, row, from: nil)
            return row
        }
    }

    /// Moves recording `id` to `state` in one transaction: applies `update`, records the
    /// transition, and refuses if the row is not in one of `expecting` (when given).
    @discardableResult
    public func transition(
        _ id: Int64, to state: RecordingState, reason: String?, errorCode: String? = nil,
        expecting: Set<RecordingState>? = nil, now: Date,
        update: @escaping @Sendable (inout Recording) -> Void = { _ in }
    ) async throws(StoreError) -> Recording {
        try await write { db in
            guard var row = try Recording.fetchOne(db, key: id) else { throw StoreError.notFound("#\(id)") }
            if let expecting, !expecting.contains(row.state) {
                throw StoreError.unexpectedState(id: id, found: row.state)
            }
            let from = row.state
            update(&row)
            row.state = state
            row.reason = reason
            if let errorCode { row.lastErrorCode = errorCode }
            row.updatedAt = now
            try row.update(db)
            if from != state || errorCode != nil {
                try Self.log(db, row, from: from, errorCode: errorCode)
            }
            return row
        }
    }

    /// Updates observation columns without a state change (no history entry).
    public func observe(_ id: Int64, now: Date, update: @escaping @Sendable (inout Recording) -> Void) async throws(StoreError) {
        try await write { db in
            guard var row = try Recording.fetchOne(db, key: id) else { throw StoreError.notFound("#\(id)") }
            update(&row)
            row.updatedAt = now
            try row.update(db)
        }
    }

    /// Deletes a row that was never taken (still `pending`), e.g. a temporary file that vanished.
    public func deletePending(_ id: Int64) async throws(StoreError) {
        try await write { db in
            _ = try Recording.filter(Column("id") == id && Column("state") == RecordingState.pending.rawValue).deleteAll(db)
        }
    }

    /// Claims `clientUniqueId` for row `id` and makes it `ready` in one transaction — or, if
    /// another row owns the id, marks this one `duplicate` (same content) or `held` (different
    /// content). The UNIQUE index makes the claim race-free.
    public func claim(_ id: Int64, clientUniqueId: String, sha256: String, now: Date,
                      update: @escaping @Sendable (inout Recording) -> Void) async throws(StoreError) -> Recording {
        try await write { db in
            guard var row = try Recording.fetchOne(db, key: id) else { throw StoreError.notFound("#\(id)") }
            let from = row.state
            update(&row)
            row.sha256 = sha256
            row.updatedAt = now
            if let owner = try Recording.filter(Column("clientUniqueId") == clientUniqueId).fetchOne(db), owner.id != id {
                let where_ = owner.audioPath ?? owner.stem
                if owner.sha256 == sha256 {
                    row.state = .duplicate
                    row.reason = "same recording as \(where_) (clientUniqueId \(clientUniqueId), \(owner.state.rawValue)); not sent again"
                } else {
                    row.state = .held
                    row.reason = "content conflict: clientUniqueId \(clientUniqueId) already belongs to \(where_) with different audio; give this recording its own id"
                    row.lastErrorCode = "content_conflict"
                }
            } else {
                row.clientUniqueId = clientUniqueId
                row.state = .ready
                row.reason = nil
            }
            try row.update(db)
            try Self.log(db, row, from: from, errorCode: row.state == .held ? "content_conflict" : nil)
            return row
        }
    }

    /// The newest row of every stem, for intake's comparison with the directory listing.
    public func latestByStem() async throws(StoreError) -> [String: Recording] {
        try await read { db in
            let rows = try Recording.fetchAll(db, sql: """
                SELECT * FROM recordings WHERE id IN (SELECT MAX(id) FROM recordings GROUP BY stem)
                """)
            return Dictionary(rows.map { ($0.stem, $0) }, uniquingKeysWith: { a, b in (a.id ?? 0) > (b.id ?? 0) ? a : b })
        }
    }

    /// One recording by row id, clientUniqueId, or stem.
    public func find(_ key: String) async throws(StoreError) -> Recording? {
        try await read { db in
            if let id = Int64(key), let row = try Recording.fetchOne(db, key: id) { return row }
            if let row = try Recording.filter(Column("clientUniqueId") == key).fetchOne(db) { return row }
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

    /// Count of rows per state (every state present, zero when none).
    public func countsByState() async throws(StoreError) -> [RecordingState: Int] {
        try await read { db in
            var counts = Dictionary(uniqueKeysWithValues: RecordingState.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM recordings GROUP BY state") {
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

    static func log(_ db: Database, _ row: Recording, from: RecordingState?, errorCode: String? = nil) throws {
        guard let id = row.id else { return }
        var entry = Transition(id: nil, recordingId: id, at: row.updatedAt, fromState: from, toState: row.state,
                               reason: row.reason, errorCode: errorCode, attempt: row.attempts)
        try entry.insert(db)
    }
}

extension StateStore {
    /// Deletes a recording and its history (operator `forget`).
    public func delete(_ id: Int64) async throws(StoreError) {
        try await write { db in
            _ = try Recording.deleteOne(db, key: id)
        }
    }
}
