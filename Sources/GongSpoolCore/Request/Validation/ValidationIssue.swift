/// One reason a request is not acceptable: the JSON path of the field and what is wrong with it.
///
/// Paths use Gong's own style (`parties[0].userId`); `$` is the document itself.
public struct ValidationIssue: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// JSON path of the offending field, e.g. `parties[1].emailAddress`.
    public var path: String
    /// What is wrong, in words an operator can act on.
    public var message: String

    /// Creates an issue for `path`.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `"<path>: <message>"`, the shape Gong uses for its own validation errors.
    public var description: String { "\(path): \(message)" }
}

/// Builds Gong-style JSON paths.
enum JSONPath {
    static let root = "$"

    static func child(_ parent: String, _ key: String) -> String {
        parent == root ? key : "\(parent).\(key)"
    }

    static func index(_ parent: String, _ i: Int) -> String {
        "\(parent == root ? "" : parent)[\(i)]"
    }
}
