/// Stored as its text code (`file_open`, `http_400`); a code this version does not know (written
/// by a newer one) reads as `internal` rather than failing the whole row.
extension ErrorCode: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = ErrorCode(rawValue: text) ?? .internal
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
