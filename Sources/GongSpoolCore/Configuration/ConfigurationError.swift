/// Why a configuration cannot be used. Every case names the file or key at fault.
public enum ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The file is not valid YAML, or its top level is not a mapping.
    case syntax(path: String, detail: String)
    /// A key GongSpool does not know (often a typo), and the known key it is closest to.
    case unknownKey(String, suggestion: String?)
    /// A key with a value of the wrong type or out of range.
    case invalid(key: String, message: String)
    /// A required key is missing.
    case missing(key: String, hint: String)
    /// More than one of the above: every problem of a file is reported at once.
    case several([ConfigurationError])

    /// `problems` as one error (`nil` when there are none).
    public static func all(_ problems: [ConfigurationError]) -> ConfigurationError? {
        switch problems.count {
        case 0: nil
        case 1: problems[0]
        default: .several(problems)
        }
    }

    /// A stable, value-free code for logs and metrics.
    public var code: String {
        switch self {
        case .unreadable: "config_unreadable"
        case .syntax: "config_syntax"
        case .unknownKey: "config_unknown_key"
        case .invalid: "config_invalid"
        case .missing: "config_missing"
        case .several(let problems): problems.first?.code ?? "config_invalid"
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read configuration \(path): \(reason)"
        case .syntax(let path, let detail): "configuration \(path) is not valid YAML: \(detail)"
        case .unknownKey(let key, let suggestion): "\(key): unknown key" + (suggestion.map { " (did you mean \($0)?)" } ?? "")
        case .invalid(let key, let message): "\(key): \(message)"
        case .missing(let key, let hint): "\(key): required, \(hint)"
        case .several(let problems): "\(problems.count) problems:\n" + problems.map { "  " + $0.description }.joined(separator: "\n")
        }
    }
}
