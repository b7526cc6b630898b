import Foundation
import GRDB


extension SQLiteStateStore {
    /// The value stored under `key`, if any.
    public func meta(_ key: MetaKey) async throws(StoreError) -> String? {
        try await read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key.rawValue]) }
    }

    /// Stores `value` under `key`, or removes it (`nil`).
    public func setMeta(_ key: MetaKey, _ value: String?) async throws(StoreError) {
        try await write { db in
            if let value {
                try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", arguments: [key.rawValue, value])
            } else {
                try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [key.rawValue])
            }
        }
    }
}
