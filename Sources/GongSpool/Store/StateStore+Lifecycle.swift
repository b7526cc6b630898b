import Foundation
import GRDB

/// A lifecycle change as committed: the row afterwards and what is left for the driver to do.
public struct Applied: Sendable {
    /// The row after the change (as it was, when the change deleted it).
    public var row: Recording
    /// The driver's actions (the store already did `recordTransition`, `deleteRow` and
    /// `reexamineDuplicates` in the same transaction).
    public var actions: [LifecycleAction]
}

extension StateStore {
    /// The one write path for a recording's state: in one transaction, reads the row, lets its
    /// ``RecordingLifecycle`` handle `event` (a refusal changes nothing and throws
    /// ``StoreError/refused(id:_:)``), writes the row with `evidence`, the history line, and the
    /// store's own actions.
    @discardableResult
    public func apply(_ id: Int64, _ event: LifecycleEvent, context: EventContext, evidence: Evidence? = nil) async throws(StoreError) -> Applied {
        try await write { db in try Self.apply(db, id, event, context, evidence) }
    }

    /// Records a new recording in its first state.
    public func insert(stem: String, _ lifecycle: RecordingLifecycle, evidence: Evidence, now: Date) async throws(StoreError) -> Recording {
        guard let row = try await insert([(stem, lifecycle, evidence)], now: now).first else { throw .notFound(stem) }
        return row
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

    /// Claims `clientUniqueId` for row `id` in one transaction and reports the claim as the event
    /// ``LifecycleEvent/claimed(_:)``: the row owns the id when no other row does; a row that
    /// failed before sending anything gives it up to a copy with the same audio; otherwise the
    /// row is a duplicate (same audio) or a content conflict. A locked identity is never
    /// exchanged: the lifecycle holds the row if the id changed. The UNIQUE index makes it race-free.
    public func claim(_ id: Int64, clientUniqueId: String, evidence: Evidence, context: EventContext) async throws(StoreError) -> Applied {
        try await write { db in
            guard let row = try Recording.fetchOne(db, key: id) else { throw StoreError.notFound("#\(id)") }
            var claim = Claim.owner(clientUniqueId: clientUniqueId)
            if row.lifecycle.identity?.isLocked != true,
               let owner = try Recording.filter(Column("clientUniqueId") == clientUniqueId).fetchOne(db), let ownerId = owner.id, ownerId != id {
                let description = "recording #\(ownerId) \(owner.audioPath ?? owner.stem) (\(owner.state.rawValue))"
                if owner.sha256 != evidence.sha256 {
                    claim = .conflict(of: ownerId, clientUniqueId: clientUniqueId, description: description)
                } else if Self.failedBeforeSending(owner) {
                    try Self.apply(db, ownerId, .identityPassed(to: id), context, nil)
                } else {
                    claim = .duplicate(of: ownerId, clientUniqueId: clientUniqueId, description: description)
                }
            }
            return try Self.apply(db, id, .claimed(claim), context, evidence)
        }
    }

    /// An owner that failed before any request of it may have reached Gong, and not by an
    /// operator's choice: its copy with the same audio may carry the id on.
    static func failedBeforeSending(_ owner: Recording) -> Bool {
        let lifecycle = owner.lifecycle
        guard let identity = lifecycle.identity, !identity.isLocked else { return false }
        switch lifecycle.state {
        case .rejected, .orphaned: return true
        case .held: return lifecycle.code != .operatorHold
        default: return false
        }
    }

    @discardableResult
    static func apply(_ db: Database, _ id: Int64, _ event: LifecycleEvent, _ context: EventContext, _ evidence: Evidence?) throws -> Applied {
        guard var row = try Recording.fetchOne(db, key: id) else { throw StoreError.notFound("#\(id)") }
        var lifecycle = row.lifecycle
        let from = row.state
        let actions: [LifecycleAction]
        do {
            actions = try lifecycle.handle(event, context)
        } catch {
            throw StoreError.refused(id: id, error)
        }
        row.store(lifecycle)
        evidence?.apply(to: &row)
        row.updatedAt = context.now
        if actions.contains(.deleteRow) {
            _ = try Recording.deleteOne(db, key: id)
        } else {
            try row.update(db)
            if actions.contains(.recordTransition) { try log(db, row, from: from) }
        }
        if actions.contains(.reexamineDuplicates) {
            let copies = try Int64.fetchAll(db, sql: "SELECT id FROM recordings WHERE duplicateOf = ? AND state = 'duplicate'", arguments: [id])
            for copy in copies {
                try apply(db, copy, .originalFailed, context, nil)
            }
        }
        let storeActions: Set<LifecycleAction> = [.recordTransition, .deleteRow, .reexamineDuplicates]
        return Applied(row: row, actions: actions.filter { !storeActions.contains($0) })
    }

    static func log(_ db: Database, _ row: Recording, from: RecordingState?) throws {
        guard let id = row.id else { return }
        var entry = Transition(id: nil, recordingId: id, at: row.updatedAt, fromState: from, toState: row.state,
                               reason: row.reason, errorCode: row.lastErrorCode, attempt: row.attempts)
        try entry.insert(db)
    }
}
