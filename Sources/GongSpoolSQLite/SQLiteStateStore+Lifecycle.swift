import Foundation
import GongSpoolCore
import GRDB

extension SQLiteStateStore {
    @discardableResult
    public func apply(_ id: Int64, _ event: LifecycleEvent, context: EventContext, evidence: Evidence?) async throws(StoreError) -> Applied {
        try await write { db in try Self.apply(db, id, event, context, evidence) }
    }

    /// Records new recordings in their first states, in one transaction. A first start writes a
    /// year of rows through here, so the statements are prepared once and bound by position, and
    /// the time is formatted once per batch (GRDB's record encoding and date formatting were 40 %
    /// of the instructions of a first start, measured with callgrind).
    public func insert(_ recordings: [(stem: String, lifecycle: RecordingLifecycle, evidence: Evidence)], now: Date) async throws(StoreError) -> [Recording] {
        // Only rows that own nothing yet may skip the wait for the disk (see `writeLazily`).
        let lazily = recordings.allSatisfy { $0.lifecycle.identity == nil }
        let body: @Sendable (Database) throws -> [Recording] = { db in
            let at = String.fromDatabaseValue(now.databaseValue)
            let insertRow = try db.cachedStatement(sql: """
                INSERT INTO recordings (stem, clientUniqueId, callId, createsInDoubt, uploadsInDoubt, state, phase, nextAttemptAt,
                    duplicateOf, lastErrorCode, reason, attempts, failingSince, audioPath, size,
                    mtimeNs, inode, sidecarPath, sidecarSize, sidecarMtimeNs, sha256, requestJSON, mediaKind, createRequestId,
                    mediaRequestId, mediaURL, firstSeenAt, stableSince, createdAt, updatedAt, checksWaived, channelPeaksDb, silentChannels,
                    confirmedAt, goneCallId)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let insertTransition = try db.cachedStatement(sql: """
                INSERT INTO transitions (recordingId, at, fromState, toState, reason, errorCode, attempt) VALUES (?, ?, NULL, ?, ?, ?, ?)
                """)
            return try recordings.map { stem, lifecycle, evidence in
                var row = Recording(stem: stem, now: now)
                row.store(lifecycle)
                evidence.apply(to: &row)
                // Every column the row holds, as GRDB's record encoding would write it.
                func time(_ date: Date?) -> BoundInsert.Value {
                    .text(date.flatMap { $0 == now ? at : String.fromDatabaseValue($0.databaseValue) })
                }
                try BoundInsert(insertRow).run([
                    .text(row.stem), .text(row.clientUniqueId), .text(row.callId), .integer(Int64(row.createsInDoubt)),
                    .integer(Int64(row.uploadsInDoubt)), .text(row.state.rawValue), .text(row.phase?.rawValue), time(row.nextAttemptAt),
                    .integer(row.duplicateOf), .text(row.lastErrorCode?.rawValue), .text(row.reason),
                    .integer(Int64(row.attempts)), time(row.failingSince), .text(row.audioPath),
                    .integer(row.size), .integer(row.mtimeNs), .integer(row.inode), .text(row.sidecarPath), .integer(row.sidecarSize),
                    .integer(row.sidecarMtimeNs), .text(row.sha256), .text(row.requestJSON), .text(row.mediaKind),
                    .text(row.createRequestId), .text(row.mediaRequestId), .text(row.mediaURL), time(row.firstSeenAt),
                    time(row.stableSince), time(row.createdAt), time(row.updatedAt), .integer(row.checksWaived ? 1 : 0),
                    .text(row.channelPeaksDb), .text(row.silentChannels), time(row.confirmedAt), .text(row.goneCallId),
                ], in: db)
                row.id = db.lastInsertedRowID
                try BoundInsert(insertTransition).run([
                    .integer(row.id), .text(at), .text(row.state.rawValue), .text(row.reason), .text(row.lastErrorCode?.rawValue),
                    .integer(Int64(row.attempts)),
                ], in: db)
                return row
            }
        }
        return lazily ? try await writeLazily(body) : try await write(body)
    }

    /// Records what intake learned about the files without a state change (no history line).
    public func observe(_ id: Int64, _ evidence: Evidence, now: Date) async throws(StoreError) {
        try await write { db in
            guard var row = try Recording.fetchOne(db, key: id) else { throw StoreError.notFound("#\(id)") }
            evidence.apply(to: &row)
            row.updatedAt = now
            try row.update(db)
        }
    }

    /// Claims `clientUniqueId` for row `id` in one transaction (see ``ClaimDecision``). The
    /// UNIQUE index makes it race-free.
    public func claim(_ id: Int64, clientUniqueId: String, evidence: Evidence, context: EventContext) async throws(StoreError) -> Applied {
        try await write { db in
            guard let row = try Recording.fetchOne(db, key: id) else { throw StoreError.notFound("#\(id)") }
            let needsOwner = ClaimDecision.needsOwner(row)
            let owner = needsOwner ? try Recording.filter(Column("clientUniqueId") == clientUniqueId).fetchOne(db) : nil
            var sameAudio: [Recording] = []
            if needsOwner, owner == nil, let sha256 = evidence.sha256 {
                sameAudio = try Recording
                    .filter(Column("sha256") == sha256 && Column("clientUniqueId") != nil && ClaimDecision.sameAudioStates.map(\.rawValue).contains(Column("state")))
                    .order(Column("id")).limit(16).fetchAll(db)
            }
            let decision = ClaimDecision(row: row, clientUniqueId: clientUniqueId, owner: owner, sha256: evidence.sha256, sameAudio: sameAudio)
            if decision.ownerPassesIt, let ownerId = owner?.id {
                try Self.apply(db, ownerId, .identityPassed(to: id), context, nil)
            }
            return try Self.apply(db, id, .claimed(decision.claim), context, evidence)
        }
    }

    @discardableResult
    static func apply(_ db: Database, _ id: Int64, _ event: LifecycleEvent, _ context: EventContext, _ evidence: Evidence?) throws -> Applied {
        guard let row = try Recording.fetchOne(db, key: id) else { throw StoreError.notFound("#\(id)") }
        let change = try RowChange(row, event, context, evidence)
        if change.deletesRow {
            _ = try Recording.deleteOne(db, key: id)
        } else {
            try change.row.update(db)
            if var transition = change.transition { try transition.insert(db) }
        }
        if change.reexaminesDuplicates {
            let copies = try Int64.fetchAll(db, sql: "SELECT id FROM recordings WHERE duplicateOf = ? AND state = 'duplicate'", arguments: [id])
            for copy in copies {
                try apply(db, copy, .originalFailed, context, nil)
            }
        }
        return change.applied
    }
}
