import Foundation
import GongSpoolCore
import GRDB

extension SQLiteStateStore {
    /// The value stored under `key`, if any.
    public func meta(_ key: MetaKey) async throws(StoreError) -> String? {
        try await read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key.rawValue]) }
    }

    /// Stores `value` under `key`, or removes it (`nil`); keys that need only survive a crash of
    /// the process are committed without waiting for the disk (``MetaKey/survivesProcessCrashOnly``).
    public func setMeta(_ key: MetaKey, _ value: String?) async throws(StoreError) {
        let body: @Sendable (Database) throws -> Void = { db in
            if let value {
                try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", arguments: [key.rawValue, value])
            } else {
                try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [key.rawValue])
            }
        }
        if key.survivesProcessCrashOnly {
            try await writeLazily(body)
        } else {
            try await write(body)
        }
    }

    /// Stores `value` under `key` unless a value is there; returns the one in force.
    public func setMetaIfAbsent(_ key: MetaKey, _ value: String) async throws(StoreError) -> String {
        try await write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO meta(key, value) VALUES(?, ?)", arguments: [key.rawValue, value])
            return try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key.rawValue]) ?? value
        }
    }
}
