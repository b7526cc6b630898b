import Foundation

/// A configuration value that is one of a few words (`afterUpload: keep | archive | delete`):
/// decoded from its text, and a wrong word is an error that lists the right ones.
public protocol ConfigChoice: RawRepresentable, CaseIterable, Codable, Sendable where RawValue == String {}

extension ConfigChoice {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "must be one of \(Self.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(text)\""))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A number, or `off` (YAML may read it as `false`): `spool.silenceThresholdDb: off`.
public enum NumberOrOff: Codable, Sendable, Equatable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    /// Turned off.
    case off
    /// A value.
    case value(Double)

    /// The number, `nil` when off.
    public var number: Double? {
        if case .value(let number) = self { return number }
        return nil
    }

    public init(floatLiteral value: Double) { self = .value(value) }

    public init(integerLiteral value: Int) { self = .value(Double(value)) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self), !flag {
            self = .off
            return
        }
        if let number = try? container.decode(Double.self) {
            self = .value(number)
            return
        }
        if let text = try? container.decode(String.self), text == "off" {
            self = .off
            return
        }
        throw DecodingError.typeMismatch(NumberOrOff.self, .init(codingPath: decoder.codingPath, debugDescription: "expected a number or off"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .off: try container.encode("off")
        case .value(let number): try container.encode(number)
        }
    }
}

/// One template or a list of templates (`metadata.title: "Call with {other}"`): tried in order,
/// the first that resolves wins.
public struct TemplateList: Codable, Sendable, Equatable, ExpressibleByArrayLiteral {
    /// The templates, in order.
    public var all: [String]

    public init(arrayLiteral elements: String...) { all = elements }

    /// Templates, in order.
    public init(_ all: [String]) { self.all = all }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(String.self) {
            all = [one]
        } else if let list = try? container.decode([String].self), !list.isEmpty {
            all = list
        } else {
            throw DecodingError.typeMismatch(
                TemplateList.self, .init(codingPath: decoder.codingPath, debugDescription: "expected text or a list of texts"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(all)
    }
}
