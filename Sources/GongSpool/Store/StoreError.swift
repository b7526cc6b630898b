import Foundation

/// State-store failures.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The database could not be opened or migrated.
    case open(path: String, underlying: String)
    /// A statement failed (disk full, locked past the busy timeout, I/O error…).
    case sqlite(String)
    /// The recording's lifecycle refused the change (its state does not allow it; another
    /// actor — an operator, a second worker — may have moved it).
    case refused(id: Int64, LifecycleRefusal)
    /// No such recording.
    case notFound(String)

    /// A stable, value-free code.
    public var code: String {
        switch self {
        case .open: "store_open"
        case .sqlite: "store_sqlite"
        case .refused: "store_refused"
        case .notFound: "store_not_found"
        }
    }

    public var description: String {
        switch self {
        case .open(let path, let underlying): "cannot open state database \(path): \(underlying)"
        case .sqlite(let message): "state database error: \(message)"
        case .refused(let id, let refusal): "recording #\(id) \(refusal.event) refused: \(refusal.description)"
        case .notFound(let what): "no recording \(what)"
        }
    }
}
