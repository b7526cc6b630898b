import Foundation
import GongSimulator
import GongSpoolCore
import TestSupport
import Testing

/// The Grafana dashboard and the Prometheus alert rules that ship with the package
/// (`config/monitoring/`, installed in `/usr/share/gongspool/`) ask only for metrics a real daemon
/// exports: a renamed metric fails here, not on an admin's blank panel or silent alert.
@Suite struct MonitoringTests {
    /// The repository's `config/monitoring/` folder.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/monitoring")

    /// The `gongspool_…` names in `text`.
    static func metricNames(in text: String) -> Set<String> {
        Set(text.matches(of: /gongspool_[a-z_]+/).map { String($0.output) })
    }

    /// Every query of the dashboard's panels.
    static func dashboardQueries() throws -> [String] {
        let data = try Data(contentsOf: folder.appendingPathComponent("grafana-dashboard.json"))
        let dashboard = try JSONValue.parse(data)
        guard case .array(let panels)? = dashboard["panels"] else { return [] }
        return panels.flatMap { panel -> [String] in
            guard case .array(let targets)? = panel["targets"] else { return [] }
            return targets.compactMap { $0["expr"]?.stringValue }
        }
    }

    @Test func theDashboardAndTheAlertRulesUseOnlyMetricsTheDaemonExports() async throws {
        let queries = try Self.dashboardQueries()
        #expect(queries.count >= 15, "the dashboard's panels: \(queries)")
        let rules = try String(contentsOf: Self.folder.appendingPathComponent("prometheus-alerts.yaml"), encoding: .utf8)
        let used = Self.metricNames(in: queries.joined(separator: "\n")).union(Self.metricNames(in: rules))
        #expect(used.count >= 15, "\(used.sorted())")

        // A daemon on PostgreSQL (the fleet's metrics too) that delivers, retries a 503, waits out
        // a 429 and examines recordings: every kind of metric has had its first value.
        let database = try await PostgresTestServer.shared.createDatabase()
        let h = try DeliveryHarness()
        defer { h.remove() }
        let hashes = try h.addBacklog(count: 3, prefix: "mon")
        var options = SimulatorOptions()
        options.failedMediaUploads = 1
        options.forced429Count = 1
        options.forcedRetryAfterSeconds = 1
        let exported = try await GongSimulator.withRunning(options: options) { sim in
            let port = try QuietPort.free()
            let config = try h.writeConfig(
                sim, metricsListen: "127.0.0.1:\(port)", state: ["database: \(database)", "node: mon-1", "spoolName: mon"])
            let cli = OperatorCLI(h, config: config)
            return try await cli.withDaemon {
                for id in hashes.keys.sorted() { _ = try await cli.waitFor(id, "done", seconds: 60) }
                // Sampled figures (state counts, the fleet) come at the daemon's next beat.
                var text = ""
                for _ in 0..<100 {
                    text = try await loopbackGet("http://127.0.0.1:\(port)/metrics").1
                    if text.contains("gongspool_fleet_nodes"), text.contains("gongspool_recordings{") { break }
                    try await Task.sleep(for: .milliseconds(200))
                }
                let samples = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
                return Set(samples.map { String($0.prefix { $0 != "{" && $0 != " " }) })
            }
        }
        let missing = used.subtracting(exported)
        #expect(missing.isEmpty, "used by the dashboard or the rules, not exported: \(missing.sorted()); exported: \(exported.sorted())")
    }

    @Test func theDashboardIsOneGrafanaImports() throws {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent("grafana-dashboard.json"))
        let dashboard = try JSONValue.parse(data)
        #expect(dashboard["uid"] == .string("gongspool") && dashboard["title"] == .string("GongSpool"))
        guard case .array(let panels)? = dashboard["panels"] else {
            Issue.record("no panels")
            return
        }
        // Every panel has a unique id, a place on the grid and a title.
        let ids = panels.compactMap { $0["id"] }
        #expect(ids.count == panels.count && Set(ids.map { "\($0)" }).count == ids.count)
        #expect(panels.allSatisfy { $0["gridPos"]?["w"] != nil && $0["title"]?.stringValue?.isEmpty == false })
        // Every query follows the instance picker.
        #expect(try Self.dashboardQueries().allSatisfy { $0.contains("instance=~\"$instance\"") })
    }
}
