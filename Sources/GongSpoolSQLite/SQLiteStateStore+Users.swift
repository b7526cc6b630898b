import Foundation
import GRDB
import GongSpoolCore

extension SQLiteStateStore {
    /// Replaces the cached Gong user list in one transaction and stamps the time.
    public func replaceGongUsers(_ users: [DirectoryUser], fetchedAt: Date) async throws(StoreError) {
        try await write { db in
            try db.execute(sql: "DELETE FROM gongUsers")
            for user in users {
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO gongUsers(id, emailAddress, phoneNumber, extension, name, active, telephonyCallsImported)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        user.id, user.emailAddress, user.phoneNumber, user.phoneExtension, user.name, user.active, user.telephonyCallsImported,
                    ])
            }
            try Self.setMeta(.gongUsersFetchedAt, String(fetchedAt.timeIntervalSince1970), db)
        }
    }

    /// The cached Gong user list.
    public func gongUsers() async throws(StoreError) -> [DirectoryUser] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM gongUsers ORDER BY id").map { row in
                DirectoryUser(
                    id: row["id"], emailAddress: row["emailAddress"], phoneNumber: row["phoneNumber"], phoneExtension: row["extension"],
                    name: row["name"], active: row["active"], telephonyCallsImported: row["telephonyCallsImported"])
            }
        }
    }
}
