import Foundation
import GRDB
import GongSpoolCore

/// A SQLite state belongs to one node and one spool: every key is stored under its bare name.
extension SQLiteStateStore {
    public func meta(_ key: MetaKey) async throws(StoreError) -> String? {
        try await read { db in try Self.meta(key, db) }
    }

    /// Keys that need only survive a crash of the process are committed without waiting for the
    /// disk (``MetaKey/survivesProcessCrashOnly``).
    public func setMeta(_ key: MetaKey, _ value: String?) async throws(StoreError) {
        let body: @Sendable (Database) throws -> Void = { db in try Self.setMeta(key, value, db) }
        if key.survivesProcessCrashOnly {
            try await writeLazily(body)
        } else {
            try await write(body)
        }
    }

    public func setMetaIfAbsent(_ key: MetaKey, _ value: String) async throws(StoreError) -> String {
        try await write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", arguments: [key.rawValue, value])
            return try Self.meta(key, db) ?? value
        }
    }

    static func meta(_ key: MetaKey, _ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key.rawValue])
    }

    static func setMeta(_ key: MetaKey, _ value: String?, _ db: Database) throws {
        if let value {
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key.rawValue, value])
        } else {
            try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [key.rawValue])
        }
    }
}
