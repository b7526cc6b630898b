import Foundation

/// What a node tells the fleet about itself when it starts.
public struct NodeAnnouncement: Sendable, Equatable {
    /// The node's name (`state.node`).
    public var name: String
    /// This process's own id: a restarted node is a new instance under the same name.
    public var instance: String
    /// Host name and PID, for operators.
    public var host: String, pid: Int32
    /// GongSpool's version.
    public var version: String
    /// The spool it reads (its fleet-wide name).
    public var spool: String

    /// An announcement.
    public init(
        name: String, instance: String = UUID().uuidString, host: String = ProcessInfo.processInfo.hostName,
        pid: Int32 = ProcessInfo.processInfo.processIdentifier, version: String, spool: String
    ) {
        self.name = name
        self.instance = instance
        self.host = host
        self.pid = pid
        self.version = version
        self.spool = spool
    }
}

/// The fleet as `status --fleet` shows it.
public struct FleetStatus: Sendable, Equatable, Codable {
    /// One node.
    public struct Node: Sendable, Equatable, Codable {
        /// Its name, host, PID and version.
        public var name: String, host: String, pid: Int, version: String
        /// The spool it reads.
        public var spool: String
        /// When it started and was last heard of; when it stopped cleanly, if it did.
        public var startedAt: Date, lastSeen: Date, stoppedAt: Date?
        /// Recordings queued on its spool (shared with the other nodes of that spool).
        public var queued: Int
        /// Recordings it holds the lease of now.
        public var leases: Int
        /// Requests it sent today (UTC), and its share of the fleet's.
        public var requestsToday: Int, budgetShare: Double
        /// Running, stopped, or silent (not heard of for longer than a lease: presumed dead).
        public var condition: String

        /// A value with every field given.
        public init(
            name: String, host: String, pid: Int, version: String, spool: String, startedAt: Date, lastSeen: Date, stoppedAt: Date? = nil,
            queued: Int, leases: Int, requestsToday: Int, budgetShare: Double, condition: String
        ) {
            self.name = name
            self.host = host
            self.pid = pid
            self.version = version
            self.spool = spool
            self.startedAt = startedAt
            self.lastSeen = lastSeen
            self.stoppedAt = stoppedAt
            self.queued = queued
            self.leases = leases
            self.requestsToday = requestsToday
            self.budgetShare = budgetShare
            self.condition = condition
        }
    }

    /// Every node, by name.
    public var nodes: [Node]
    /// The fleet's requests today (UTC) and the daily limit.
    public var requestsToday: Int, dailyLimit: Int
    /// Until when Gong asked every node to pause, if in the future.
    public var pausedUntil: Date?

    /// A value with every field given.
    public init(nodes: [Node], requestsToday: Int, dailyLimit: Int, pausedUntil: Date? = nil) {
        self.nodes = nodes
        self.requestsToday = requestsToday
        self.dailyLimit = dailyLimit
        self.pausedUntil = pausedUntil
    }

    /// The nodes silent for longer than a lease while not stopped.
    public var silentNodes: [Node] { nodes.filter { $0.condition == "silent" } }
}
