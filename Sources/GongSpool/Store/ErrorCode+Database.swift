import GRDB

/// Stored as its text code (`file_open`, `http_400`); a code this version does not know (written
/// by a newer one) reads as `internal` rather than failing the whole row.
extension ErrorCode: Codable, DatabaseValueConvertible {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = ErrorCode(rawValue: text) ?? .internal
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var databaseValue: DatabaseValue { rawValue.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> ErrorCode? {
        String.fromDatabaseValue(dbValue).map { ErrorCode(rawValue: $0) ?? .internal }
    }
}

extension Phase: DatabaseValueConvertible {}
