import Foundation
import GongSpoolCore
import GRDB

extension SQLiteStateStore {
    /// The recording the queue should work on now, skipping `busy` row ids: one whose call
    /// already exists in Gong first, then by recording time (`order`).
    public func nextDue(now: Date, excluding busy: Set<Int64>, order: QueueOrder = .newestFirst) async throws(StoreError) -> Recording? {
        try await read { db in
            let direction = order == .newestFirst ? "DESC" : "ASC"
            let marks = busy.isEmpty ? "" : "AND id NOT IN (" + busy.map(String.init).joined(separator: ",") + ")"
            let sql = """
                SELECT * FROM recordings
                WHERE state IN ('ready','creating','created','uploading','uploaded','waiting')
                AND (nextAttemptAt IS NULL OR nextAttemptAt <= ?) \(marks)
                ORDER BY callId IS NULL, mtimeNs \(direction), id \(direction)
                LIMIT 1
                """
            // The idle question (nothing busy) is asked again and again: prepared once.
            let statement = busy.isEmpty ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
            return try Recording.fetchOne(statement, arguments: [now])
        }
    }

    /// When the next `waiting` recording is due, if any.
    public func nextRetryAt() async throws(StoreError) -> Date? {
        try await read { db in
            try Date.fetchOne(db.cachedStatement(sql: "SELECT MIN(nextAttemptAt) FROM recordings WHERE state = 'waiting'"))
        }
    }

    /// Whether anything is ready, in flight, or waiting for a retry.
    public func hasQueuedWork() async throws(StoreError) -> Bool {
        try await read { db in
            try Recording.filter(RecordingState.deliveryStates.map(\.rawValue).contains(Column("state"))).fetchCount(db) > 0
        }
    }

    /// Counts one request against UTC day `day` unless that would exceed `limit`; `nil` when the budget is spent.
    public func reserveDailyRequest(day: String, limit: Int) async throws(StoreError) -> Int? {
        try await write { db in
            let used = try Int.fetchOne(db, sql: "SELECT requests FROM dailyUsage WHERE day = ?", arguments: [day]) ?? 0
            guard used < limit else { return nil }
            try db.execute(sql: "INSERT INTO dailyUsage(day, requests) VALUES(?, 1) ON CONFLICT(day) DO UPDATE SET requests = requests + 1", arguments: [day])
            return used + 1
        }
    }

    /// Gives one request counted on `day` back (it never reached Gong).
    public func releaseDailyRequest(day: String) async throws(StoreError) {
        try await write { db in
            try db.execute(sql: "UPDATE dailyUsage SET requests = requests - 1 WHERE day = ? AND requests > 0", arguments: [day])
        }
    }

    /// Requests counted on UTC day `day`.
    public func dailyUsage(day: String) async throws(StoreError) -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT requests FROM dailyUsage WHERE day = ?", arguments: [day]) ?? 0
        }
    }

    /// Applies `event` to every row in one of `states` whose cause is one of `codes`, in one
    /// transaction; rows whose lifecycle refuses it are left as they are. Returns how many changed.
    @discardableResult
    public func applyToAll(in states: Set<RecordingState>, causes codes: Set<ErrorCode>, _ event: LifecycleEvent, context: EventContext) async throws(StoreError) -> Int {
        try await write { db in
            let stateMarks = Array(repeating: "?", count: states.count).joined(separator: ",")
            let marks = Array(repeating: "?", count: codes.count).joined(separator: ",")
            var arguments = StatementArguments(states.map(\.rawValue))
            arguments += StatementArguments(codes.map(\.rawValue))
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM recordings WHERE state IN (\(stateMarks)) AND lastErrorCode IN (\(marks))", arguments: arguments)
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

    /// Whether any recording is held for a cause that halts all sending.
    public func hasHaltingHolds() async throws(StoreError) -> Bool {
        try await read { db in
            try Recording.filter(Column("state") == RecordingState.held.rawValue
                && ErrorCode.haltingCauses.map(\.rawValue).contains(Column("lastErrorCode"))).fetchCount(db) > 0
        }
    }
}

extension SQLiteStateStore {
    /// Reads ``QueueFacts``.
    public func queueFacts() async throws(StoreError) -> QueueFacts {
        try await read { db in
            var facts = QueueFacts()
            facts.requestsNeeded = try Int.fetchOne(db.cachedStatement(sql: """
                SELECT COALESCE(SUM(CASE WHEN state = 'uploaded' OR phase = 'finish' THEN 0 WHEN callId IS NULL THEN 2 ELSE 1 END), 0)
                FROM recordings WHERE state IN ('ready','creating','created','uploading','uploaded','waiting')
                """)) ?? 0
            facts.oldestQueuedSince = try Date.fetchOne(db.cachedStatement(sql: "SELECT MIN(firstSeenAt) FROM recordings WHERE state IN ('ready','creating','created','uploading','uploaded','waiting')"))
            // Kept in `meta` by triggers: the history is never scanned.
            facts.lastSuccess = try Date.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'lastSuccessAt'"))
            if let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'lastErrorTransition'")) {
                facts.lastError = try Transition.fetchOne(db, key: id)
            }
            return facts
        }
    }
}

extension SQLiteStateStore {
    /// Whether the backfill cutoff was fixed already (this is not the first start).
    public func hasBackfillCutoff() async throws(StoreError) -> Bool {
        try await read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'backfillCutoff'") != nil }
    }

    /// The backfill cutoff, fixed on first start: `nil` takes everything. Later calls return
    /// what the first one stored, whatever `backfill` says now.
    public func backfillCutoff(_ backfill: Backfill, now: Date) async throws(StoreError) -> Date? {
        try await write { db in
            if let stored = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'backfillCutoff'") {
                return Double(stored).map { Date(timeIntervalSince1970: $0) }
            }
            let cutoff: Date?
            switch backfill {
            case .all: cutoff = nil
            case .none: cutoff = now
            case .since(let date): cutoff = date
            }
            try db.execute(sql: "INSERT INTO meta(key, value) VALUES('backfillCutoff', ?)",
                           arguments: [cutoff.map { String($0.timeIntervalSince1970) } ?? "all"])
            return cutoff
        }
    }
}
