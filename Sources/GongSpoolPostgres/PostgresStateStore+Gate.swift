import Foundation
import GongSpoolCore
import PostgresNIO

extension PostgresStateStore {
    /// Counts one request against the fleet's day, and this node's share of it.
    public func reserveDailyRequest(day: String, limit: Int) async throws(StoreError) -> Int? {
        let node = node ?? "operator"
        let logger = logger
        return try await transaction { connection in
            let counted = try await connection.rows(
                """
                INSERT INTO dailyUsage (day, requests) VALUES (\(day), 1)
                ON CONFLICT (day) DO UPDATE SET requests = dailyUsage.requests + 1 WHERE dailyUsage.requests < \(Int32(clamping: limit))
                RETURNING requests
                """, logger)
            guard let used = try counted.first?.decode(Int32.self) else { return nil }
            try await connection.run(
                """
                INSERT INTO nodeUsage (day, node, requests) VALUES (\(day), \(node), 1)
                ON CONFLICT (day, node) DO UPDATE SET requests = nodeUsage.requests + 1
                """, logger)
            return Int(used)
        }
    }

    /// Gives one request counted on `day` back (it never reached Gong), and this node's share.
    public func releaseDailyRequest(day: String) async throws(StoreError) {
        let node = node ?? "operator"
        let logger = logger
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
        let wait = try await value(
            """
            UPDATE budget SET nextSlotAt = GREATEST(nextSlotAt, clock_timestamp(), pausedUntil) + \(interval) * interval '1 second'
            WHERE id = 1
            RETURNING EXTRACT(EPOCH FROM (nextSlotAt - \(interval) * interval '1 second' - clock_timestamp()))::float8
            """, Double.self)
        return max(0, wait ?? 0)
    }

    public func confirmSend(_ window: SendWindow) async throws(StoreError) -> Double {
        let logger = logger
        return try await transaction { connection in
            // One node at a time decides, on the budget row's lock.
            let paused =
                try await connection.rows(
                    """
                    SELECT EXTRACT(EPOCH FROM (GREATEST(pausedUntil, clock_timestamp()) - clock_timestamp()))::float8 FROM budget WHERE id = 1 FOR UPDATE
                    """, logger
                ).first.map { try $0.decode(Double.self) } ?? 0
            // A 429 seen by any node stops the slots the others already hold.
            if paused > 0 { return paused }
            // The newest send, and the count-th newest: one row whatever the window.
            let ages = try await connection.rows(
                """
                SELECT (SELECT EXTRACT(EPOCH FROM (clock_timestamp() - MAX(sentAt)))::float8 FROM sends),
                       (SELECT EXTRACT(EPOCH FROM (clock_timestamp() - sentAt))::float8 FROM sends
                        ORDER BY sentAt DESC OFFSET \(Int64(max(0, window.count - 1))) LIMIT 1)
                """, logger
            ).first.map { try $0.decode((Double?, Double?).self) }
            let wait = window.wait(newestAged: ages?.0, countthAged: ages?.1)
            if wait > 0 { return wait }
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
        try await !rows(
            """
            SELECT 1 FROM recordings WHERE state = \(RecordingState.held.rawValue) AND lastErrorCode IN (\(unescaped: SQLFragment.list(ErrorCode.haltingCauses))) LIMIT 1
            """
        ).isEmpty
    }
}
