import Foundation
import GongSpoolCore
import PostgresNIO

extension PostgresStateStore {
    public func replaceGongUsers(_ users: [DirectoryUser], fetchedAt: Date) async throws(StoreError) {
        let logger = logger
        try await transaction { connection in
            try await connection.run("DELETE FROM gongUsers", logger)
            for user in users {
                try await connection.run(
                    """
                    INSERT INTO gongUsers (id, emailAddress, phoneNumber, extension, name, active, telephonyCallsImported)
                    VALUES (\(user.id), \(user.emailAddress), \(user.phoneNumber), \(user.phoneExtension), \(user.name), \(user.active), \(user.telephonyCallsImported))
                    ON CONFLICT (id) DO NOTHING
                    """, logger)
            }
            try await Self.setMeta(connection, logger, MetaKey.gongUsersFetchedAt.rawValue, String(fetchedAt.timeIntervalSince1970))
        }
    }

    public func gongUsers() async throws(StoreError) -> [DirectoryUser] {
        try await rows("SELECT id, emailAddress, phoneNumber, extension, name, active, telephonyCallsImported FROM gongUsers ORDER BY id") { row in
            let (id, email, phone, ext, name, active, imported) = try row.decode((String, String?, String?, String?, String?, Bool?, Bool?).self)
            return DirectoryUser(
                id: id, emailAddress: email, phoneNumber: phone, phoneExtension: ext, name: name,
                active: active, telephonyCallsImported: imported)
        }
    }
}
