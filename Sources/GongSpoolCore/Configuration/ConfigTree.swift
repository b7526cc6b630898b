import Foundation
import Yams

/// The configuration file as Yams' node tree, and what the loader does with it before and after
/// `YAMLDecoder` (which knows every key from the settings types' own `Codable` conformance):
/// merge the file over the defaults, drop a value that failed so the rest can be decoded too,
/// and find the keys no settings type has.
enum ConfigTree {
    /// `user` over `defaults`: a key the file gives wins (a mapping is merged key by key), a key
    /// it leaves out keeps its default, a null is no value. `prototype` supplies the defaults of
    /// a section that is absent by default (`metadata.cdr`) when the file gives it.
    static func merge(_ user: Node, over defaults: Node?, prototype: Node?) -> Node {
        guard let given = user.mapping else { return user.isNull ? (defaults ?? user) : user }
        let base = defaults?.mapping ?? prototype?.mapping
        guard let base else { return user }
        var merged = base
        for (key, value) in given {
            guard let name = key.string else { continue }
            if value.isNull { continue }
            merged[name] = merge(value, over: defaults?.mapping?[name], prototype: prototype?.mapping?[name])
        }
        return .mapping(merged)
    }

    /// `node` without the value at `path` (a key of a mapping, an item of a list); `nil` when
    /// there is nothing there to remove.
    static func removing(_ path: ArraySlice<any CodingKey>, from node: Node) -> Node? {
        guard let first = path.first else { return nil }
        let rest = path.dropFirst()
        if var mapping = node.mapping, let child = mapping[first.stringValue] {
            if rest.isEmpty {
                mapping[first.stringValue] = nil
            } else {
                guard let pruned = removing(rest, from: child) else { return nil }
                mapping[first.stringValue] = pruned
            }
            return .mapping(mapping)
        }
        if let sequence = node.sequence, let index = first.intValue, sequence.indices.contains(index) {
            var items = Array(sequence)
            if rest.isEmpty {
                items.remove(at: index)
            } else {
                guard let pruned = removing(rest, from: items[index]) else { return nil }
                items[index] = pruned
            }
            return .sequence(Node.Sequence(items))
        }
        return nil
    }

    /// The node at `path`, if the file has one.
    static func node(at path: [any CodingKey], in node: Node) -> Node? {
        var current = node
        for key in path {
            if let child = current.mapping?[key.stringValue] {
                current = child
            } else if let sequence = current.sequence, let index = key.intValue, sequence.indices.contains(index) {
                current = sequence[index]
            } else {
                return nil
            }
        }
        return current
    }

    /// `spool.settleSeconds`, `metadata.derive[1].pattern`.
    static func name(_ path: [any CodingKey]) -> String {
        path.reduce("") { text, key in
            if let index = key.intValue { return text + "[\(index)]" }
            return text.isEmpty ? key.stringValue : text + "." + key.stringValue
        }
    }

    /// What a value of the file is, for "expected …, found …".
    static func describe(_ node: Node?) -> String {
        switch node {
        case .scalar(let scalar)?:
            if Bool.construct(from: scalar) != nil { return "a boolean" }
            if Double.construct(from: scalar) != nil { return "a number" }
            return "\"\(scalar.string)\""
        case .mapping?: return "a mapping"
        case .sequence?: return "a list"
        default: return "nothing"
        }
    }

    /// The problem a decoding error names, and where in the file it is.
    static func problem(_ error: DecodingError, in file: Node) -> (ConfigurationError, [any CodingKey]) {
        switch error {
        case .typeMismatch(let type, let context):
            let found = describe(node(at: context.codingPath, in: file))
            return (.invalid(key: name(context.codingPath), message: "\(expectation(type, context)), found \(found)"), context.codingPath)
        case .valueNotFound(let type, let context):
            return (.invalid(key: name(context.codingPath), message: "\(expectation(type, context)), found nothing"), context.codingPath)
        case .keyNotFound(let key, let context):
            return (.missing(key: name(context.codingPath + [key]), hint: "required here"), context.codingPath)
        case .dataCorrupted(let context):
            return (.invalid(key: name(context.codingPath), message: context.debugDescription), context.codingPath)
        @unknown default:
            return (.syntax(path: "<config>", detail: "\(error)"), [])
        }
    }

    /// "expected a number" for a value of `type`.
    private static func expectation(_ type: Any.Type, _ context: DecodingError.Context) -> String {
        switch type {
        case is Double.Type, is Float.Type: return "expected a number"
        case is Int.Type, is Int64.Type: return "expected a whole number"
        case is Bool.Type: return "expected true or false"
        case is String.Type: return "expected text"
        default:
            if context.debugDescription.hasPrefix("expected") { return context.debugDescription }
            let typeName = "\(type)"
            if typeName.hasPrefix("Dictionary") || typeName.contains("Mapping") { return "expected a mapping" }
            if typeName.hasPrefix("Array") || typeName.contains("Sequence") { return "expected a list" }
            return "expected \(typeName)"
        }
    }

    /// The keys of `file` that `value` (the configuration decoded from it) has no field for,
    /// with the nearest known name when one is close: a typo never silently becomes a default.
    /// Free-form mappings (`defaults`, `users.table`, …) are the file's own data and not checked.
    static func unknownKeys(in file: Node, of value: Any, path: String = "") -> [ConfigurationError] {
        let fields = Mirror(reflecting: value)
        if fields.displayStyle == .collection, let items = file.sequence {
            // A list of settings (`metadata.derive`): each item is checked like a section.
            return zip(items, fields.children).enumerated().flatMap { index, pair in
                unknownKeys(in: pair.0, of: pair.1.value, path: "\(path)[\(index)]")
            }
        }
        guard fields.displayStyle == .struct, let mapping = file.mapping else { return [] }
        var problems: [ConfigurationError] = []
        let known = fields.children.compactMap(\.label)
        func full(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
        for (key, child) in mapping {
            guard let name = key.string, !child.isNull else { continue }
            guard let field = fields.children.first(where: { $0.label == name }) else {
                problems.append(.unknownKey(full(name), suggestion: nearest(name, in: known).map(full)))
                continue
            }
            problems += unknownKeys(in: child, of: unwrapped(field.value), path: full(name))
        }
        return problems
    }

    /// An optional's value (or the optional itself when it is `nil`).
    private static func unwrapped(_ value: Any) -> Any {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first?.value ?? value
    }

    /// The known name closest to `name` (case and a couple of letters apart), if any is close.
    static func nearest(_ name: String, in known: [String]) -> String? {
        let scored = known.map { ($0, distance(name.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(1, min(3, name.count / 3)) else { return nil }
        return best.0
    }

    /// Levenshtein distance.
    private static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension Node {
    /// An explicit null (`key:` or `key: ~`).
    var isNull: Bool {
        null != nil
    }
}
