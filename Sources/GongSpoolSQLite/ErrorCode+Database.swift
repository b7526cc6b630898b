import GRDB
import GongSpoolCore

/// Stored as its text code; an unknown code reads as `internal` (see `ErrorCode+Codable`).
extension ErrorCode: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { rawValue.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> ErrorCode? {
        String.fromDatabaseValue(dbValue).map { ErrorCode(rawValue: $0) ?? .internal }
    }
}

extension Phase: DatabaseValueConvertible {}
