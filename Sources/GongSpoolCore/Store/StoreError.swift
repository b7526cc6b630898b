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
    /// Another node of the fleet holds the recording's lease: it is working on it.
    case leased(id: Int64, node: String)
    /// Another running node of the fleet has this node's name.
    case nodeNameTaken(node: String, host: String, pid: Int32, secondsAgo: Double)

    /// A stable, value-free code.
    public var code: String {
        switch self {
        case .open: "store_open"
        case .sqlite: "store_sqlite"
        case .refused: "store_refused"
        case .notFound: "store_not_found"
        case .leased: "store_leased"
        case .nodeNameTaken: "node_name_taken"
        }
    }

    public var description: String {
        switch self {
        case .open(let path, let underlying): "cannot open state database \(path): \(underlying)"
        case .sqlite(let message): "state database error: \(message)"
        case .refused(let id, let refusal): "recording #\(id) \(refusal.event) refused: \(refusal.description)"
        case .notFound(let what): "no recording \(what)"
        case .leased(let id, let node): "recording #\(id) is being worked on by node \(node)"
        case .nodeNameTaken(let node, let host, let pid, let ago):
            "node name \(node) is taken by a running gongspool (host \(host), PID \(pid), heard of \(Bounded.text(ago.rounded())) s ago): give this node its own state.node"
        }
    }
}
