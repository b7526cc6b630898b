import Foundation
import GRDB
import GongSpoolCore

extension SQLiteStateStore {
    public func recordErasure(_ erasure: ErasureRecord) async throws(StoreError) -> ErasureRecord {
        try await write { db in
            var inserted = erasure
            try inserted.insert(db)
            return inserted
        }
    }

    public func updateErasure(_ erasure: ErasureRecord) async throws(StoreError) {
        try await write { db in try erasure.update(db) }
    }

    public func erasures() async throws(StoreError) -> [ErasureRecord] {
        try await read { db in try ErasureRecord.order(Column("id")).fetchAll(db) }
    }

    public func erasuresPending() async throws(StoreError) -> [Recording] {
        try await read { db in
            try Recording.fetchAll(db, sql: "SELECT * FROM recordings WHERE \(SQLFragment.erasurePending) ORDER BY id")
        }
    }
}
