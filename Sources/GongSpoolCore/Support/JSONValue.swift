import Foundation

/// A JSON document tree that keeps integers, floats and strings apart, so that the
/// validator can tell `"123"` from `123` and `1` from `1.5`.
///
/// Objects are stored as dictionaries; encoding always sorts keys, which makes the
/// request body byte-for-byte reproducible (the same sidecar always yields the same POST).
public enum JSONValue: Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The JSON Schema type name of this value (`"integer"` for integral numbers).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The string payload, if this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The object payload, if this is an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The array payload, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The numeric payload as a `Double`, for integers and floats.
    public var doubleValue: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .number(let d): d
        default: nil
        }
    }

    /// Looks up a key of an object; `nil` for other values.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// Merges `self` (the stronger side) over `base`: objects merge key by key,
    /// everything else (arrays included) is taken from `self`.
    public func merged(over base: JSONValue) -> JSONValue {
        guard case .object(let top) = self, case .object(let bottom) = base else { return self }
        var result = bottom
        for (key, value) in top {
            if let existing = bottom[key] {
                result[key] = value.merged(over: existing)
            } else {
                result[key] = value
            }
        }
        return .object(result)
    }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? container.decode(Int64.self) {
            self = .integer(i)
        } else if let d = try? container.decode(Double.self) {
            self = .number(d)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([JSONValue].self) {
            self = .array(a)
        } else if let o = try? container.decode([String: JSONValue].self) {
            self = .object(o)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .integer(let i): try container.encode(i)
        case .number(let d): try container.encode(d)
        case .string(let s): try container.encode(s)
        case .array(let a): try container.encode(a)
        case .object(let o): try container.encode(o)
        }
    }
}

extension JSONValue {
    /// Canonical compact encoding (sorted keys, no escaped slashes): the exact bytes sent to Gong.
    public func canonicalData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Human-readable encoding (sorted keys, indented) for `gongspool validate`.
    public func prettyString() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses JSON bytes. Rejects input that is not UTF-8 with the offset of the first bad byte.
    public static func parse(_ data: Data) throws(JSONParseError) -> JSONValue {
        if let offset = firstInvalidUTF8Offset(data) {
            throw .notUTF8(offset: offset)
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            throw .syntax(detail ?? context.debugDescription)
        } catch {
            throw .syntax(String(describing: error))
        }
    }

    /// Where `data` stops being UTF-8, or `nil` when it is.
    static func firstInvalidUTF8Offset(_ data: Data) -> Int? {
        var iterator = data.makeIterator()
        var decoder = UTF8()
        var offset = 0
        var consumed = 0
        // Walk scalars; UTF8 decoder reports errors without telling the length, so we track roughly.
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
                consumed = offset
            case .emptyInput:
                return nil
            case .error:
                return consumed
            }
        }
    }
}

/// Why a byte sequence is not a JSON document.
public enum JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not valid UTF-8; `offset` is where decoding failed.
    case notUTF8(offset: Int)
    /// The text is not valid JSON.
    case syntax(String)

    public var description: String {
        switch self {
        case .notUTF8(let offset): "not valid UTF-8 (first bad byte near offset \(offset))"
        case .syntax(let detail): "not valid JSON: \(detail)"
        }
    }
}
