import Foundation

/// A text with `{field}` placeholders, e.g. `"{systemId}:{pbxCallId}"` or `"Call with {other}"`.
/// A placeholder whose field is missing or empty makes the whole template unresolved, so a
/// list of templates can fall back to the next one.
public struct FieldTemplate: Sendable, Equatable, CustomStringConvertible {
    enum Piece: Sendable, Equatable {
        case text(String)
        case field(String)
    }

    let pieces: [Piece]
    /// The template as written.
    public let description: String

    /// Parses `text`; throws on an unbalanced or empty placeholder.
    public init(_ text: String) throws(TemplateError) {
        var pieces: [Piece] = []
        var literal = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "{" {
                guard let close = text[index...].firstIndex(of: "}") else { throw .unbalanced(text) }
                let name = String(text[text.index(after: index)..<close]).trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty, !name.contains("{") else { throw .unbalanced(text) }
                if !literal.isEmpty {
                    pieces.append(.text(literal))
                    literal = ""
                }
                pieces.append(.field(name))
                index = text.index(after: close)
            } else if character == "}" {
                throw .unbalanced(text)
            } else {
                literal.append(character)
                index = text.index(after: index)
            }
        }
        if !literal.isEmpty { pieces.append(.text(literal)) }
        self.pieces = pieces
        self.description = text
    }

    /// The field names referenced.
    public var fieldNames: [String] {
        pieces.compactMap { if case .field(let name) = $0 { name } else { nil } }
    }

    /// Fills the placeholders; the missing field names on failure.
    public func render(_ lookup: (String) -> String?) -> Result<String, MissingFields> {
        var output = ""
        var missing: [String] = []
        for piece in pieces {
            switch piece {
            case .text(let text): output += text
            case .field(let name):
                if let value = lookup(name), !value.isEmpty { output += value } else { missing.append(name) }
            }
        }
        return missing.isEmpty ? .success(output) : .failure(MissingFields(names: missing))
    }
}

/// The fields a template needed and did not find.
public struct MissingFields: Error, Sendable, Equatable {
    /// Their names.
    public var names: [String]
}

/// A template that cannot be parsed.
public enum TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `{` without `}`, a stray `}`, or `{}`.
    case unbalanced(String)

    public var description: String {
        switch self {
        case .unbalanced(let text): "template \"\(text)\" has an unbalanced or empty {placeholder}"
        }
    }
}
