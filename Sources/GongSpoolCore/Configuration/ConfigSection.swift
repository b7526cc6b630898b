import Foundation

/// One mapping of the YAML document, with typed getters whose errors carry the full key path.
struct ConfigSection {
    let values: [String: Any]
    let prefix: String

    init(_ values: [String: Any], prefix: String) {
        self.values = values
        self.prefix = prefix
    }

    func key(_ name: String) -> String { prefix.isEmpty ? name : "\(prefix).\(name)" }

    func allowOnly(_ known: Set<String>) throws(ConfigurationError) {
        if let unknown = values.keys.sorted().first(where: { !known.contains($0) }) {
            throw .unknownKey(key(unknown))
        }
    }

    func section(_ name: String) throws(ConfigurationError) -> ConfigSection? {
        guard let raw = values[name], !(raw is NSNull) else { return nil }
        guard let mapping = raw as? [String: Any] else {
            throw .invalid(key: key(name), message: "expected a mapping")
        }
        return ConfigSection(mapping, prefix: key(name))
    }

    func string(_ name: String) throws(ConfigurationError) -> String? {
        guard let raw = values[name], !(raw is NSNull) else { return nil }
        guard let s = raw as? String else {
            throw .invalid(key: key(name), message: "expected text, found \(Self.describe(raw))")
        }
        return s
    }

    func bool(_ name: String) throws(ConfigurationError) -> Bool? {
        guard let raw = values[name], !(raw is NSNull) else { return nil }
        guard let b = raw as? Bool else {
            throw .invalid(key: key(name), message: "expected true or false, found \(Self.describe(raw))")
        }
        return b
    }

    /// A number of at least `min` and at most `max` (by default ``Bounded/maxSeconds``: every
    /// number key is a time, a rate or a count, and none means anything beyond that).
    func number(_ name: String, min: Double, max: Double = Bounded.maxSeconds) throws(ConfigurationError) -> Double? {
        guard let raw = values[name], !(raw is NSNull) else { return nil }
        let value: Double
        switch raw {
        case let i as Int: value = Double(i)
        case let d as Double: value = d
        default: throw .invalid(key: key(name), message: "expected a number, found \(Self.describe(raw))")
        }
        guard value.isFinite, value >= min else {
            throw .invalid(key: key(name), message: "must be at least \(min), found \(value)")
        }
        guard value <= max else {
            throw .invalid(key: key(name), message: "must be at most \(Bounded.text(max)), found \(Bounded.text(value))")
        }
        return value
    }

    /// A number in `range`, or `off` (YAML may read it as `false`): `.some(nil)` for off.
    func numberOrOff(_ name: String, in range: ClosedRange<Double>) throws(ConfigurationError) -> Double?? {
        guard let raw = values[name], !(raw is NSNull) else { return nil }
        if let flag = raw as? Bool, !flag { return .some(nil) }
        if let text = raw as? String, text == "off" { return .some(nil) }
        let value: Double
        switch raw {
        case is Bool: throw .invalid(key: key(name), message: "expected a number or off, found \(Self.describe(raw))")
        case let i as Int: value = Double(i)
        case let d as Double: value = d
        default: throw .invalid(key: key(name), message: "expected a number or off, found \(Self.describe(raw))")
        }
        guard value.isFinite, range.contains(value) else {
            throw .invalid(key: key(name), message: "must be between \(range.lowerBound) and \(range.upperBound) (or off), found \(value)")
        }
        return .some(value)
    }

    /// A whole number in `min`…`max`.
    func integer(_ name: String, min: Int, max: Int = 1_000_000_000) throws(ConfigurationError) -> Int? {
        guard let raw = values[name], !(raw is NSNull) else { return nil }
        guard let value = raw as? Int, !(raw is Bool) else {
            throw .invalid(key: key(name), message: "expected a whole number, found \(Self.describe(raw))")
        }
        guard value >= min else {
            throw .invalid(key: key(name), message: "must be at least \(min), found \(value)")
        }
        guard value <= max else {
            throw .invalid(key: key(name), message: "must be at most \(max), found \(value)")
        }
        return value
    }

    func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws(ConfigurationError) -> T? where T.RawValue == String {
        guard let text = try string(name) else { return nil }
        guard let value = T(rawValue: text) else {
            let names = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalid(key: key(name), message: "must be one of \(names), found \"\(text)\"")
        }
        return value
    }

    static func describe(_ raw: Any) -> String {
        switch raw {
        case let s as String: "\"\(s)\""
        case is Bool: "a boolean"
        case is Int, is Double: "a number"
        case is [Any]: "a list"
        case is [String: Any]: "a mapping"
        default: "\(raw)"
        }
    }

    /// Converts a YAML value to JSON, keeping integers and strings apart.
    static func json(_ raw: Any) -> JSONValue {
        switch raw {
        case let b as Bool: .bool(b)
        case let i as Int: .integer(Int64(i))
        case let d as Double: .number(d)
        case let s as String: .string(s)
        case let a as [Any]: .array(a.map(json))
        case let o as [String: Any]: .object(o.mapValues(json))
        default: .null
        }
    }
}
