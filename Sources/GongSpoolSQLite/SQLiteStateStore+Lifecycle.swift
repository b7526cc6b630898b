import Foundation
import GRDB
import GongSpoolCore

extension SQLiteStateStore {
    @discardableResult
    public func apply(_ id: Int64, _ event: LifecycleEvent, context: EventContext, evidence: Evidence?) async throws(StoreError) -> Applied {
        try await write { db in try Self.apply(db, id, event, context, evidence) }
    }

    /// Records new recordings in their first states, in one transaction. A first start writes a
    /// year of rows through here, so the statements are prepared once and bound by position, and
    /// the time is formatted once per batch (GRDB's record encoding and date formatting were 40 %
    /// of the instructions of a first start, measured with callgrind); the tallies of the batch
    /// are written once at its end.
    public func insert(_ recordings: [InsertPlan]) async throws(StoreError) -> [Recording] {
        // Only rows that own nothing yet may skip the wait for the disk (see `writeLazily`).
        let lazily = recordings.allSatisfy(\.ownsNothing)
        let body: @Sendable (Database) throws -> [Recording] = { db in
            let insertRow = try db.cachedStatement(
                sql: """
                    INSERT INTO recordings (\(RecordingColumn.written.map(\.rawValue).joined(separator: ", ")))
                    VALUES (\(Array(repeating: "?", count: RecordingColumn.written.count).joined(separator: ", ")))
                    """)
            let insertTransition = try db.cachedStatement(
                sql: """
                    INSERT INTO transitions (recordingId, at, fromState, toState, reason, errorCode, attempt) VALUES (?, ?, NULL, ?, ?, ?, ?)
                    """)
            var dates = BoundInsert.DateText()
            var tallies = Tallies()
            var lastError: Int64?
            let rows = try recordings.map { plan in
                try BoundInsert(insertRow).run(RecordingColumn.written.map { dates.bindable(plan.row.stored($0)) }, in: db)
                let row = plan.inserted(as: db.lastInsertedRowID)
                let first = plan.firstTransition(id: db.lastInsertedRowID)
                try BoundInsert(insertTransition).run(
                    [
                        .integer(first.recordingId), dates.bindable(.date(first.at)), .text(first.toState.rawValue), .text(first.reason),
                        .text(first.errorCode?.rawValue), .integer(Int64(first.attempt)),
                    ], in: db)
                tallies.add(plan.tallies)
                if first.errorCode != nil { lastError = db.lastInsertedRowID }
                return row
            }
            try Self.count(tallies, errorLine: lastError, db)
            return rows
        }
        return lazily ? try await writeLazily(body) : try await write(body)
    }

    public func observe(_ id: Int64, _ evidence: Evidence, now: Date) async throws(StoreError) {
        try await write { db in
            guard let row = try Recording.fetchOne(db, key: id) else { throw StoreError.notFound("#\(id)") }
            try WritePlan.observing(row, evidence, now: now).update(db)
        }
    }

    /// Claims `clientUniqueId` for row `id` in one transaction (see ``ClaimDecision``): SQLite's
    /// single writer serialises claims, and the UNIQUE index stays the last word.
    public func claim(_ id: Int64, clientUniqueId: String, evidence: Evidence, context: EventContext) async throws(StoreError) -> Applied {
        try await write { db in
            guard let row = try Recording.fetchOne(db, key: id) else { throw StoreError.notFound("#\(id)") }
            let needsOwner = ClaimDecision.needsOwner(row.lifecycle)
            let owner = needsOwner ? try Recording.filter(Column("clientUniqueId") == clientUniqueId).fetchOne(db) : nil
            var sameAudio: [Recording] = []
            if needsOwner, owner == nil, let sha256 = evidence.sha256 {
                sameAudio = try Recording.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM recordings WHERE sha256 = ? AND \(SQLFragment.stopsSameAudio) ORDER BY id LIMIT 16
                        """, arguments: [sha256])
            }
            let decision = ClaimDecision(
                claimant: row.claimParty, clientUniqueId: clientUniqueId, sha256: evidence.sha256,
                owner: owner?.claimParty, sameAudio: sameAudio.map(\.claimParty))
            if decision.ownerPassesIt, let ownerId = owner?.id {
                try Self.apply(db, ownerId, .identityPassed(to: id), context, nil)
            }
            return try Self.apply(db, id, .claimed(decision.claim), context, evidence)
        }
    }

    @discardableResult
    public func applyToAll(in states: Set<RecordingState>, causes codes: Set<ErrorCode>, _ event: LifecycleEvent, context: EventContext)
        async throws(StoreError) -> Int
    {
        try await write { db in
            let ids = try Int64.fetchAll(
                db,
                sql: """
                    SELECT id FROM recordings WHERE state IN (\(SQLFragment.list(states))) AND lastErrorCode IN (\(SQLFragment.list(codes))) ORDER BY id
                    """)
            var changed = 0
            for id in ids {
                do {
                    try Self.apply(db, id, event, context, nil)
                    changed += 1
                } catch StoreError.refused {
                    continue
                }
            }
            return changed
        }
    }

    public func find(_ key: String) async throws(StoreError) -> Recording? {
        try await read { db in
            if let id = Int64(key), let row = try Recording.fetchOne(db, key: id) { return row }
            if let row = try Recording.filter(Column("clientUniqueId") == key).fetchOne(db) { return row }
            // Skipped, held or a duplicate before (or without) owning the id its files give.
            if let row = try Recording.filter(Column("filesClientUniqueId") == key).order(Column("id").desc).fetchOne(db) { return row }
            return try Recording.filter(Column("stem") == key || Column("audioPath") == key).order(Column("id").desc).fetchOne(db)
        }
    }

    // MARK: Inside the transaction

    /// Reads row `id`, asks its lifecycle for the ``WritePlan`` and executes it; then the cascade.
    @discardableResult
    static func apply(_ db: Database, _ id: Int64, _ event: LifecycleEvent, _ context: EventContext, _ evidence: Evidence?) throws -> Applied {
        guard let row = try Recording.fetchOne(db, key: id) else { throw StoreError.notFound("#\(id)") }
        let plan = try WritePlan(changing: row, by: event, context, evidence: evidence)
        var errorLine: Int64?
        if plan.deletesRow {
            _ = try Recording.deleteOne(db, key: id)
        } else {
            try plan.row.update(db)
            if let tombstone = plan.historyReason {
                try db.execute(sql: "UPDATE transitions SET reason = ? WHERE recordingId = ?", arguments: [tombstone, id])
            }
            if var line = plan.transition {
                try line.insert(db)
                errorLine = plan.tallies.errorLine ? line.id : nil
            }
        }
        try count(plan.tallies, errorLine: errorLine, db)
        if plan.reexaminesDuplicates {
            let copies = try Int64.fetchAll(
                db, sql: "SELECT id FROM recordings WHERE duplicateOf = ? AND state = ? ORDER BY id",
                arguments: [id, RecordingState.duplicate.rawValue])
            for copy in copies {
                try apply(db, copy, .originalFailed, context, nil)
            }
        }
        return plan.applied
    }
}
