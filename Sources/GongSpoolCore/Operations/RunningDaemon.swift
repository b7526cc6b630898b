import Foundation

/// A daemon working on the state, as `status` finds it: its process and since when it runs
/// (and, in a fleet, its node).
public struct RunningDaemon: Sendable, Equatable {
    /// The process id.
    public var pid: Int32
    /// When it started, if known.
    public var since: Date?
    /// Its node's name, in a fleet.
    public var node: String?

    /// A daemon.
    public init(pid: Int32, since: Date?, node: String? = nil) {
        self.pid = pid
        self.since = since
        self.node = node
    }
}
