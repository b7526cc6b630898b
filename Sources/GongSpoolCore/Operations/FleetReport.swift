import Foundation

/// `gongspool status --fleet`: every node of a PostgreSQL fleet, as a table or JSON.
public enum FleetReport {
    /// The table: one line per node, then the fleet's budget, a pause, and silent nodes called out.
    public static func table(_ fleet: FleetStatus, now: Date) -> String {
        var lines = ["NODE             STATE    LAST SEEN              QUEUED  LEASES  SENT TODAY  SHARE   SPOOL"]
        for node in fleet.nodes {
            let ago = Bounded.text(now.timeIntervalSince(node.lastSeen).rounded())
            lines.append(
                [
                    node.name.padding(16), node.condition.padding(8), "\(ISOTimestamp.format(node.lastSeen)) (\(ago) s)".padding(22),
                    String(node.queued).leftPadding(6), String(node.leases).leftPadding(7), String(node.requestsToday).leftPadding(11),
                    String(format: "%5.1f%%", node.budgetShare * 100).leftPadding(6), node.spool,
                ].joined(separator: " ").escapingControlCharacters)
        }
        lines.append("")
        lines.append("requests today (UTC), whole fleet: \(fleet.requestsToday) of \(fleet.dailyLimit)")
        if let paused = fleet.pausedUntil, paused > now {
            lines.append("PAUSED by Gong (429) for every node until \(ISOTimestamp.format(paused))")
        }
        for node in fleet.silentNodes {
            lines.append(
                "SILENT: \(node.name) (\(node.host)) not heard of since \(ISOTimestamp.format(node.lastSeen)); "
                    + "recordings of its spool \(node.spool) wait for it unless another node reads that spool".escapingControlCharacters)
        }
        return lines.joined(separator: "\n")
    }

    /// The same as JSON (times ISO-8601).
    public static func json(_ fleet: FleetStatus) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(fleet)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    func leftPadding(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
