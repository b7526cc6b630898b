import Foundation
import GongSpoolCore
import PostgresNIO

/// The queue across the fleet: a node takes a recording by leasing it (`FOR UPDATE SKIP LOCKED`,
/// so two nodes never wait on or take the same row), renews the lease while it works, and gives
/// it up when the recording leaves the queue. A lease that runs out (its node died) lets another
/// node that reads the same spool take the recording over, resuming from its committed state.
extension PostgresStateStore {
    /// The `WHERE` of a due row this node may take.
    private static let dueCondition = """
        spool = $1 AND state IN ('ready','creating','created','uploading','uploaded','waiting')
        AND (nextAttemptAt IS NULL OR nextAttemptAt <= $2)
        AND (leaseNode IS NULL OR leaseNode = $3 OR leaseUntil < clock_timestamp())
        AND NOT (id = ANY($4))
        """

    private func dueBindings(now: Date, busy: Set<Int64>) throws(StoreError) -> PostgresBindings {
        var binds = PostgresBindings(capacity: 5)
        binds.append(try requireSpool())
        binds.append(now)
        binds.append(node ?? "")
        binds.append(Array(busy))
        return binds
    }

    public func nextDue(now: Date, excluding busy: Set<Int64>, order: QueueOrder) async throws(StoreError) -> Recording? {
        let direction = order == .newestFirst ? "DESC" : "ASC"
        var binds = try dueBindings(now: now, busy: busy)
        guard node != nil else {
            return try await recordings(PostgresQuery(unsafeSQL: """
                SELECT \(Recording.postgresColumns) FROM recordings WHERE \(Self.dueCondition)
                ORDER BY callId IS NULL, mtimeNs \(direction), id \(direction) LIMIT 1
                """, binds: binds)).first
        }
        binds.append(leaseSeconds)
        return try await recordings(PostgresQuery(unsafeSQL: """
            UPDATE recordings SET leaseNode = $3, leaseUntil = clock_timestamp() + $5 * interval '1 second'
            WHERE id = (SELECT id FROM recordings WHERE \(Self.dueCondition)
                        ORDER BY callId IS NULL, mtimeNs \(direction), id \(direction) LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING \(Recording.postgresColumns)
            """, binds: binds)).first
    }

    public func isDue(now: Date, excluding busy: Set<Int64>) async throws(StoreError) -> Bool {
        let binds = try dueBindings(now: now, busy: busy)
        return try await !rows(PostgresQuery(unsafeSQL: "SELECT 1 FROM recordings WHERE \(Self.dueCondition) LIMIT 1", binds: binds)).isEmpty
    }

    public func renewLeases(_ ids: Set<Int64>) async throws(StoreError) -> Set<Int64> {
        guard let node, !ids.isEmpty else { return [] }
        var lost = ids
        for row in try await rows("""
            UPDATE recordings SET leaseUntil = clock_timestamp() + \(leaseSeconds) * interval '1 second'
            WHERE id = ANY(\(Array(ids))) AND leaseNode = \(node) RETURNING id
            """) {
            if let id = try? row.decode(Int64.self) { lost.remove(id) }
        }
        return lost
    }

    public func releaseLease(_ id: Int64) async throws(StoreError) {
        guard let node else { return }
        try await run("UPDATE recordings SET leaseNode = NULL, leaseUntil = NULL WHERE id = \(id) AND leaseNode = \(node)")
    }

    public func nextRetryAt() async throws(StoreError) -> Date? {
        let spool = try requireSpool()
        return try await value("SELECT MIN(nextAttemptAt) FROM recordings WHERE spool = \(spool) AND state = 'waiting'", Date?.self) ?? nil
    }

    public func hasQueuedWork() async throws(StoreError) -> Bool {
        let spool = try requireSpool()
        return try await !rows("""
            SELECT 1 FROM recordings WHERE spool = \(spool) AND state IN ('ready','creating','created','uploading','uploaded','waiting') LIMIT 1
            """).isEmpty
    }

    /// Counts one request against the fleet's day, and this node's share of it.
    public func reserveDailyRequest(day: String, limit: Int) async throws(StoreError) -> Int? {
        let node = node ?? "operator", logger = logger
        return try await transaction { connection in
            let counted = try await connection.rows("""
                INSERT INTO dailyUsage (day, requests) VALUES (\(day), 1)
                ON CONFLICT (day) DO UPDATE SET requests = dailyUsage.requests + 1 WHERE dailyUsage.requests < \(Int32(clamping: limit))
                RETURNING requests
                """, logger)
            guard let used = try counted.first?.decode(Int32.self) else { return nil }
            try await connection.run("""
                INSERT INTO nodeUsage (day, node, requests) VALUES (\(day), \(node), 1)
                ON CONFLICT (day, node) DO UPDATE SET requests = nodeUsage.requests + 1
                """, logger)
            return Int(used)
        }
    }

    /// Gives one request counted on `day` back (it never reached Gong), and this node's share.
    public func releaseDailyRequest(day: String) async throws(StoreError) {
        let node = node ?? "operator", logger = logger
        try await transaction { connection in
            try await connection.run("UPDATE dailyUsage SET requests = requests - 1 WHERE day = \(day) AND requests > 0", logger)
            try await connection.run("UPDATE nodeUsage SET requests = requests - 1 WHERE day = \(day) AND node = \(node) AND requests > 0", logger)
        }
    }

    public func dailyUsage(day: String) async throws(StoreError) -> Int {
        Int(try await value("SELECT requests FROM dailyUsage WHERE day = \(day)", Int32.self) ?? 0)
    }

    /// The fleet's request slot: the shared schedule moves on by `interval` past the later of
    /// the last slot, now and a pause Gong asked for; the caller waits the returned seconds.
    /// PostgreSQL's clock decides, so the nodes' clocks need not agree.
    public func reserveSlot(interval: Double) async throws(StoreError) -> Double {
        let wait = try await value("""
            UPDATE budget SET nextSlotAt = GREATEST(nextSlotAt, clock_timestamp(), pausedUntil) + \(interval) * interval '1 second'
            WHERE id = 1
            RETURNING EXTRACT(EPOCH FROM (nextSlotAt - \(interval) * interval '1 second' - clock_timestamp()))::float8
            """, Double.self)
        return max(0, wait ?? 0)
    }

    public func confirmSend(count: Int, window: Double) async throws(StoreError) -> Double {
        let logger = logger
        return try await transaction { connection in
            // One node at a time decides, on the budget row's lock.
            let paused = try await connection.rows("""
                SELECT EXTRACT(EPOCH FROM (GREATEST(pausedUntil, clock_timestamp()) - clock_timestamp()))::float8 FROM budget WHERE id = 1 FOR UPDATE
                """, logger).first.map { try $0.decode(Double.self) } ?? 0
            // A 429 seen by any node stops the slots the others already hold.
            if paused > 0 { return paused }
            let earlier = try await connection.rows("""
                SELECT EXTRACT(EPOCH FROM (clock_timestamp() - sentAt))::float8 FROM sends ORDER BY sentAt DESC OFFSET \(Int64(max(0, count - 1))) LIMIT 1
                """, logger).first.map { try $0.decode(Double.self) }
            if let age = earlier, age < window { return window - age }
            try await connection.run("INSERT INTO sends (sentAt) VALUES (clock_timestamp())", logger)
            try await connection.run("DELETE FROM sends WHERE sentAt < clock_timestamp() - interval '1 minute'", logger)
            return 0
        }
    }

    /// Pauses every node's requests for `seconds` (a 429's `Retry-After`).
    public func recordPause(seconds: Double, until: Date) async throws(StoreError) {
        try await run("UPDATE budget SET pausedUntil = GREATEST(pausedUntil, clock_timestamp() + \(seconds) * interval '1 second') WHERE id = 1")
        try await setMeta(.pausedUntil, String(until.timeIntervalSince1970))
    }

    public func hasHaltingHolds() async throws(StoreError) -> Bool {
        try await !rows("""
            SELECT 1 FROM recordings WHERE state = 'held' AND lastErrorCode = ANY(\(ErrorCode.haltingCauses.map(\.rawValue))) LIMIT 1
            """).isEmpty
    }

    public func queueFacts() async throws(StoreError) -> QueueFacts {
        var facts = QueueFacts()
        let queued = "state IN ('ready','creating','created','uploading','uploaded','waiting')"
        facts.requestsNeeded = Int(try await value(PostgresQuery(unsafeSQL: """
            SELECT COALESCE(SUM(CASE WHEN state = 'uploaded' OR phase = 'finish' THEN 0 WHEN callId IS NULL THEN 2 ELSE 1 END), 0)::bigint
            FROM recordings WHERE \(queued)
            """), Int64.self) ?? 0)
        facts.oldestQueuedSince = try await value(PostgresQuery(unsafeSQL: "SELECT MIN(firstSeenAt) FROM recordings WHERE \(queued)"), Date?.self) ?? nil
        facts.lastSuccess = try await meta(raw: "lastSuccessAt").flatMap(Double.init).map { Date(timeIntervalSince1970: $0) }
        if let id = try await meta(raw: "lastErrorTransition").flatMap(Int64.init) {
            facts.lastError = try await transitions("SELECT id, recordingId, at, fromState, toState, reason, errorCode, attempt FROM transitions WHERE id = \(id)").first
        }
        return facts
    }

    /// The first column of the first row of `query`, if any.
    func value<T: PostgresDecodable>(_ query: PostgresQuery, _ type: T.Type) async throws(StoreError) -> T? {
        try await rows(query) { try $0.decode(T.self) }.first
    }

    /// Transitions of `query`.
    func transitions(_ query: PostgresQuery) async throws(StoreError) -> [Transition] {
        try await rows(query, as: Transition.init(postgres:))
    }
}
