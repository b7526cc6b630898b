import Foundation
import GongSpoolCore
import PostgresNIO

/// The nodes of the fleet: each announces itself, beats every third of a lease, and leaves on a
/// clean stop. A name is one running process: a second one is refused while the first is heard
/// of; after a lease of silence the name is free (the first one is presumed dead).
extension PostgresStateStore {
    public func join(_ node: NodeAnnouncement) async throws(StoreError) {
        let lease = leaseSeconds
        let logger = logger
        try await transaction { connection in
            let running = try await connection.rows(
                """
                SELECT host, pid, EXTRACT(EPOCH FROM (clock_timestamp() - lastSeen))::float8 FROM nodes
                WHERE name = \(node.name) AND instance <> \(node.instance) AND stoppedAt IS NULL
                  AND lastSeen > clock_timestamp() - \(lease) * interval '1 second'
                FOR UPDATE
                """, logger)
            if let other = running.first {
                let (host, pid, ago) = try other.decode((String, Int32, Double).self)
                throw StoreError.nodeNameTaken(node: node.name, host: host, pid: pid, secondsAgo: ago)
            }
            try await connection.run(
                """
                INSERT INTO nodes (name, instance, host, pid, version, spool, startedAt, lastSeen, stoppedAt)
                VALUES (\(node.name), \(node.instance), \(node.host), \(node.pid), \(node.version), \(node.spool), clock_timestamp(), clock_timestamp(), NULL)
                ON CONFLICT (name) DO UPDATE SET instance = EXCLUDED.instance, host = EXCLUDED.host, pid = EXCLUDED.pid,
                    version = EXCLUDED.version, spool = EXCLUDED.spool, startedAt = EXCLUDED.startedAt, lastSeen = EXCLUDED.lastSeen, stoppedAt = NULL
                """, logger)
        }
    }

    public func heartbeat() async throws(StoreError) {
        guard let node else { return }
        try await run("UPDATE nodes SET lastSeen = clock_timestamp() WHERE name = \(node)")
    }

    public func leave() async throws(StoreError) {
        guard let node else { return }
        let spool = spool ?? ""
        let logger = logger
        try await transaction { connection in
            try await connection.run("UPDATE nodes SET stoppedAt = clock_timestamp(), lastSeen = clock_timestamp() WHERE name = \(node)", logger)
            try await connection.run("UPDATE recordings SET leaseNode = NULL, leaseUntil = NULL WHERE leaseNode = \(node)", logger)
            try await connection.run("DELETE FROM spoolLeases WHERE spool = \(spool) AND node = \(node)", logger)
        }
    }

    /// Takes or renews this spool's intake lease; `false` while another live node holds it.
    public func fleetStatus(now: Date) async throws(StoreError) -> FleetStatus? {
        let day = ISOTimestamp.utcDay(now)
        let total = try await dailyUsage(day: day)
        let silentAfter = Self.silentAfter(leaseSeconds: leaseSeconds)
        let nodes = try await rows(
            """
            SELECT n.name, n.host, n.pid, n.version, n.spool, n.startedAt, n.lastSeen, n.stoppedAt,
                   (SELECT COUNT(*) FROM recordings r WHERE r.spool = n.spool AND r.\(unescaped: SQLFragment.inDelivery)),
                   (SELECT COUNT(*) FROM recordings r WHERE r.leaseNode = n.name AND r.leaseUntil > clock_timestamp()),
                   COALESCE((SELECT requests FROM nodeUsage u WHERE u.day = \(day) AND u.node = n.name), 0),
                   EXTRACT(EPOCH FROM (clock_timestamp() - n.lastSeen))::float8
            FROM nodes n ORDER BY n.name
            """
        ) { row in
            let (name, host, pid, version, spool, started, seen, stopped, queued, leases, requests, silence) =
                try row.decode((String, String, Int32, String, String, Date, Date, Date?, Int64, Int64, Int32, Double).self)
            let condition = stopped != nil ? "stopped" : silence > silentAfter ? "silent" : "running"
            return FleetStatus.Node(
                name: name, host: host, pid: Int(pid), version: version, spool: spool, startedAt: started,
                lastSeen: seen, stoppedAt: stopped, queued: Int(queued), leases: Int(leases),
                requestsToday: Int(requests), budgetShare: total > 0 ? Double(requests) / Double(total) : 0,
                condition: condition)
        }
        let paused = try await value("SELECT pausedUntil FROM budget WHERE id = 1 AND pausedUntil > clock_timestamp()", Date.self)
        return FleetStatus(nodes: nodes, requestsToday: total, dailyLimit: 0, pausedUntil: paused)
    }

    /// A node not heard of for a lease (at least a minute, for operator commands) is silent.
    static func silentAfter(leaseSeconds: Double) -> Double {
        max(leaseSeconds, 60)
    }
}
