import Foundation
import GRDB
import GongSpoolCore

extension SQLiteStateStore {
    public func reserveDailyRequest(day: String, limit: Int) async throws(StoreError) -> Int? {
        try await write { db in
            let used = try Int.fetchOne(db, sql: "SELECT requests FROM dailyUsage WHERE day = ?", arguments: [day]) ?? 0
            guard used < limit else { return nil }
            try db.execute(
                sql: "INSERT INTO dailyUsage (day, requests) VALUES (?, 1) ON CONFLICT (day) DO UPDATE SET requests = requests + 1",
                arguments: [day])
            return used + 1
        }
    }

    public func releaseDailyRequest(day: String) async throws(StoreError) {
        try await write { db in
            try db.execute(sql: "UPDATE dailyUsage SET requests = requests - 1 WHERE day = ? AND requests > 0", arguments: [day])
        }
    }

    public func dailyUsage(day: String) async throws(StoreError) -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT requests FROM dailyUsage WHERE day = ?", arguments: [day]) ?? 0
        }
    }

    /// One node: its own gate spaces its requests.
    public func reserveSlot(interval: Double) async throws(StoreError) -> Double { 0 }

    /// One node: its own gate follows its previous real send.
    public func confirmSend(_ window: SendWindow) async throws(StoreError) -> Double { 0 }

    public func recordPause(seconds: Double, until: Date) async throws(StoreError) {
        try await setMeta(.pausedUntil, String(until.timeIntervalSince1970))
    }

    public func hasHaltingHolds() async throws(StoreError) -> Bool {
        try await read { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM recordings WHERE state = ? AND lastErrorCode IN (\(SQLFragment.list(ErrorCode.haltingCauses))))
                    """, arguments: [RecordingState.held.rawValue]) ?? false
        }
    }
}
