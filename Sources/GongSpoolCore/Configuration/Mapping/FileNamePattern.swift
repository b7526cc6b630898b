/// A regular expression with named captures, matched against a recording's path relative to
/// the spool; each named capture becomes a field of the same name.
public struct FileNamePattern: Sendable {
    /// The expression as written.
    public let pattern: String
    /// Where its captures come from, for `validate` (e.g. `file name (freepbx)`).
    public let label: String

    /// Compiles `pattern`; throws a readable message when it is not a valid expression or has no named capture.
    public init(pattern: String, label: String) throws(FileNamePatternError) {
        let regex: Regex<AnyRegexOutput>
        do {
            regex = try Regex(pattern)
        } catch {
            throw .invalid(pattern: pattern, detail: String(describing: error))
        }
        _ = regex
        guard pattern.contains("(?<") else { throw .invalid(pattern: pattern, detail: "it has no named capture (?<name>…)") }
        self.pattern = pattern
        self.label = label
    }

    /// The named captures of `relativePath`, or `nil` when it does not match as a whole.
    public func captures(_ relativePath: String) -> [String: String]? {
        // Compiled per use: `Regex` is not `Sendable`; a file name costs microseconds.
        guard let regex = try? Regex(pattern), let match = try? regex.wholeMatch(in: relativePath) else { return nil }
        return Self.named(match)
    }

    /// The named captures of the first match anywhere in `text`, or `nil` when there is none.
    public func firstCaptures(in text: String) -> [String: String]? {
        guard let regex = try? Regex(pattern), let match = try? regex.firstMatch(in: text) else { return nil }
        return Self.named(match)
    }

    private static func named(_ match: Regex<AnyRegexOutput>.Match) -> [String: String] {
        var out: [String: String] = [:]
        for element in match.output {
            if let name = element.name, let text = element.substring { out[name] = String(text) }
        }
        return out
    }
}

/// A file-name pattern that cannot be used.
public enum FileNamePatternError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a valid regular expression, or no named capture.
    case invalid(pattern: String, detail: String)

    public var description: String {
        switch self {
        case .invalid(let pattern, let detail): "file-name pattern \(pattern) cannot be used: \(detail)"
        }
    }
}
