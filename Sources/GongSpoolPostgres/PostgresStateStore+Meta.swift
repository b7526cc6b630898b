import Foundation
import GongSpoolCore
import PostgresNIO

extension PostgresStateStore {
    /// The name of `key` in the fleet's `meta` (see ``MetaKey/sharedName(node:spool:)``): an
    /// operator command names its host as the node.
    func key(_ key: MetaKey) -> String {
        key.sharedName(node: node ?? ProcessInfo.processInfo.hostName, spool: spool ?? "")
    }

    public func setMetaIfAbsent(_ key: MetaKey, _ value: String) async throws(StoreError) -> String {
        let name = self.key(key)
        try await run("INSERT INTO meta (key, value) VALUES (\(name), \(value)) ON CONFLICT (key) DO NOTHING")
        return try await meta(raw: name) ?? value
    }

    public func meta(_ key: MetaKey) async throws(StoreError) -> String? {
        try await meta(raw: self.key(key))
    }

    public func setMeta(_ key: MetaKey, _ value: String?) async throws(StoreError) {
        try await setMeta(raw: self.key(key), value)
    }

    func meta(raw key: String) async throws(StoreError) -> String? {
        try await value("SELECT value FROM meta WHERE key = \(key)", String.self)
    }

    func setMeta(raw key: String, _ value: String?) async throws(StoreError) {
        if let value {
            try await run("INSERT INTO meta (key, value) VALUES (\(key), \(value)) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value")
        } else {
            try await run("DELETE FROM meta WHERE key = \(key)")
        }
    }
}
