import Foundation

/// Validates a ``JSONValue`` against a JSON Schema document.
///
/// Implements the subset of draft 2020-12 that Gong's request schema uses: `$ref` (local),
/// `type`, `required`, `properties`, `additionalProperties: false`, `enum`, `minLength`,
/// `maxLength`, `pattern`, `format` (`date-time`, `email`, `uri`), `minimum`, `maximum`,
/// `minItems`, `maxItems`, `items`, `anyOf` and `dependentSchemas`. Annotations are ignored.
/// A schema with any other keyword is refused when loaded (``unknownKeywords(in:)``): an
/// assertion silently skipped would let invalid requests through.
public struct SchemaValidator: Sendable {
    /// The keywords this validator understands (assertions and annotations).
    static let knownKeywords: Set<String> = [
        "$schema", "$id", "$comment", "$defs", "$ref", "title", "description", "examples",
        "type", "required", "properties", "additionalProperties", "enum", "minLength", "maxLength",
        "pattern", "format", "minimum", "maximum", "minItems", "maxItems", "items", "anyOf",
        "dependentSchemas",
    ]

    private let root: JSONValue

    /// Keywords in `schema` (and every sub-schema) that this validator does not know.
    public static func unknownKeywords(in schema: JSONValue) -> [String] {
        var unknown: Set<String> = []
        func visit(_ node: JSONValue) {
            guard case .object(let members) = node else { return }
            for (key, value) in members {
                if !knownKeywords.contains(key) { unknown.insert(key) }
                switch key {
                case "properties", "$defs", "dependentSchemas":
                    if case .object(let children) = value { children.values.forEach(visit) }
                case "items", "additionalProperties":
                    visit(value)
                case "anyOf":
                    value.arrayValue?.forEach(visit)
                default:
                    break
                }
            }
        }
        visit(schema)
        return unknown.sorted()
    }

    /// Creates a validator for the schema `root`.
    public init(schema root: JSONValue) {
        self.root = root
    }

    /// Every issue found in `value`, in document order; empty when valid.
    public func validate(_ value: JSONValue) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        check(value, against: root, at: JSONPath.root, into: &issues)
        return issues
    }

    private func resolve(_ schema: JSONValue) -> JSONValue {
        guard let ref = schema["$ref"]?.stringValue, ref.hasPrefix("#/") else { return schema }
        var node = root
        for part in ref.dropFirst(2).split(separator: "/") {
            guard let next = node[String(part)] else { return schema }
            node = next
        }
        // Sibling keywords next to $ref (e.g. description) are annotations only here.
        return resolve(node)
    }

    private func check(_ value: JSONValue, against rawSchema: JSONValue, at path: String, into issues: inout [ValidationIssue]) {
        let schema = resolve(rawSchema)
        if let expected = schema["type"]?.stringValue, !matches(value, type: expected) {
            issues.append(ValidationIssue(path: path, message: typeMessage(expected: expected, found: value)))
            return
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) {
            issues.append(ValidationIssue(path: path, message: enumMessage(allowed: allowed, found: value)))
            return
        }
        switch value {
        case .string(let s):
            checkString(s, schema: schema, at: path, into: &issues)
        case .integer, .number:
            checkNumber(value.doubleValue ?? 0, schema: schema, at: path, into: &issues)
        case .array(let items):
            checkArray(items, schema: schema, at: path, into: &issues)
        case .object(let members):
            checkObject(members, schema: schema, at: path, into: &issues)
        default:
            break
        }
        if let branches = schema["anyOf"]?.arrayValue {
            let passes = branches.contains { branch in
                var scratch: [ValidationIssue] = []
                check(value, against: branch, at: path, into: &scratch)
                return scratch.isEmpty
            }
            if !passes {
                issues.append(ValidationIssue(path: path, message: anyOfMessage(branches)))
            }
        }
    }

    private func checkString(_ s: String, schema: JSONValue, at path: String, into issues: inout [ValidationIssue]) {
        let length = s.unicodeScalars.count
        if let min = schema["minLength"]?.doubleValue, Double(length) < min {
            issues.append(ValidationIssue(path: path, message: min == 1 ? "must not be empty" : "shorter than \(Int(min)) characters"))
        }
        if let max = schema["maxLength"]?.doubleValue, Double(length) > max {
            issues.append(ValidationIssue(path: path, message: "longer than \(Int(max)) characters (found \(length))"))
        }
        let format = schema["format"]?.stringValue
        var formatOK = true
        if let pattern = schema["pattern"]?.stringValue, !Self.matches(s, pattern: pattern) {
            formatOK = false
        }
        if formatOK, let format, !FormatChecks.check(s, format: format) {
            formatOK = false
        }
        if !formatOK {
            issues.append(ValidationIssue(path: path, message: formatMessage(format: format, pattern: schema["pattern"]?.stringValue, found: s)))
        }
    }

    private func checkNumber(_ n: Double, schema: JSONValue, at path: String, into issues: inout [ValidationIssue]) {
        if let min = schema["minimum"]?.doubleValue, n < min {
            issues.append(ValidationIssue(path: path, message: "must be at least \(Self.show(min)) (found \(Self.show(n)))"))
        }
        if let max = schema["maximum"]?.doubleValue, n > max {
            issues.append(ValidationIssue(path: path, message: "must be at most \(Self.show(max)) (found \(Self.show(n)))"))
        }
    }

    private func checkArray(_ items: [JSONValue], schema: JSONValue, at path: String, into issues: inout [ValidationIssue]) {
        if let min = schema["minItems"]?.doubleValue, Double(items.count) < min {
            issues.append(ValidationIssue(path: path, message: "needs at least \(Int(min)) item\(min == 1 ? "" : "s")"))
        }
        if let max = schema["maxItems"]?.doubleValue, Double(items.count) > max {
            issues.append(ValidationIssue(path: path, message: "has more than \(Int(max)) items"))
        }
        if let itemSchema = schema["items"] {
            for (i, item) in items.enumerated() {
                check(item, against: itemSchema, at: JSONPath.index(path, i), into: &issues)
            }
        }
    }

    private func checkObject(_ members: [String: JSONValue], schema: JSONValue, at path: String, into issues: inout [ValidationIssue]) {
        for case .string(let key) in schema["required"]?.arrayValue ?? [] where members[key] == nil {
            issues.append(ValidationIssue(path: JSONPath.child(path, key), message: "is required"))
        }
        let properties = schema["properties"]?.objectValue ?? [:]
        let closed = schema["additionalProperties"] == .bool(false)
        for key in members.keys.sorted() {
            guard let value = members[key] else { continue }
            if let propertySchema = properties[key] {
                check(value, against: propertySchema, at: JSONPath.child(path, key), into: &issues)
            } else if closed {
                issues.append(ValidationIssue(path: JSONPath.child(path, key), message: "unknown field (not part of Gong's request)"))
            }
        }
        for (key, dependent) in schema["dependentSchemas"]?.objectValue ?? [:] where members[key] != nil {
            check(.object(members), against: dependent, at: path, into: &issues)
        }
    }

    private func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("array", .array), ("object", .object), ("null", .null):
            true
        case ("integer", .integer), ("number", .integer), ("number", .number):
            true
        case ("integer", .number(let d)):
            d.rounded() == d
        default:
            false
        }
    }

    private func typeMessage(expected: String, found: JSONValue) -> String {
        var message = "expected \(expected), found \(found.typeName)"
        if expected == "string", found.doubleValue != nil {
            message += " (write it in quotes: ids are JSON strings, 19-digit ids do not fit a JSON number)"
        }
        return message
    }

    private func enumMessage(allowed: [JSONValue], found: JSONValue) -> String {
        let shown = Self.preview(found)
        if allowed.count <= 8 {
            let names = allowed.compactMap(\.stringValue).joined(separator: ", ")
            return "must be one of \(names) (found \(shown))"
        }
        return "\(shown) is not one of the \(allowed.count) accepted values"
    }

    private func formatMessage(format: String?, pattern: String?, found: String) -> String {
        let shown = Self.preview(.string(found))
        switch format {
        case "date-time":
            return "must be an ISO-8601 date-time with seconds and a zone (Z or ±hh:mm), e.g. 2024-06-10T14:03:22Z (found \(shown))"
        case "email":
            return "not a valid email address (found \(shown))"
        case "uri":
            return "not an absolute URL (found \(shown))"
        default:
            if pattern == "^[0-9]{1,20}$" {
                return "must be a Gong id: 1 to 20 digits (found \(shown))"
            }
            return "does not match \(pattern ?? "the expected form") (found \(shown))"
        }
    }

    private func anyOfMessage(_ branches: [JSONValue]) -> String {
        let names = branches.compactMap { $0["required"]?.arrayValue?.first?.stringValue }
        if names.count == branches.count {
            return "needs at least one of \(names.joined(separator: ", "))"
        }
        return "does not match any accepted form"
    }

    static func matches(_ s: String, pattern: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        let range = NSRange(s.startIndex..<s.endIndex, in: s)
        return regex.firstMatch(in: s, range: range) != nil
    }

    static func preview(_ value: JSONValue) -> String {
        let text: String
        switch value {
        case .string(let s): text = "\"\(s)\""
        case .integer(let i): text = String(i)
        case .number(let d): text = show(d)
        default: text = value.typeName
        }
        return text.count > 60 ? String(text.prefix(57)) + "…" : text
    }

    static func show(_ d: Double) -> String {
        d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    }
}
