import AsyncHTTPClient
import Foundation
import GongSimulator
import GongSpoolCore
import GongSpoolDaemon
import TestSupport
import Testing

/// `/metrics` and `/healthz` of the running daemon.
@Suite struct StatusEndpointTests {
    func get(_ url: String) async throws -> (Int, String) { try await loopbackGet(url) }

    @Test func metricsAndHealthReflectTheDaemon() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("m", id: "pbx:m", audio: Fixtures.wav(seconds: 31, seed: 51))
        try h.spool.writeRecording("s", id: "pbx:s", audio: Fixtures.wav(seconds: 5, seed: 52))
        let port = try QuietPort.free()
        let base = "http://127.0.0.1:\(port)"
        try await GongSimulator.withRunning { sim in
            let config = try h.writeConfig(sim, metricsListen: "127.0.0.1:\(port)", spool: ["minDurationSeconds: 30"])
            // Wrong secret: the first request is refused and health must say so.
            let env = ["GONG_ACCESS_KEY": "simulator-key", "GONG_ACCESS_KEY_SECRET": "wrong"]
            let daemon = try Binary.start(["run", "--config", config], environment: env, log: h.work.file("daemon.log"))
            defer { kill(daemon.processIdentifier, SIGKILL) }
            var health = (0, "")
            for _ in 0..<100 {
                health = (try? await get(base + "/healthz")) ?? (0, "")
                if health.1.contains("credentials rejected") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(health.0 == 503)
            #expect(health.1.hasPrefix("degraded: sending halted: credentials rejected (HTTP 401)"))
            var metrics = ""
            for _ in 0..<100 {
                metrics = (try? await get(base + "/metrics"))?.1 ?? ""
                if metrics.contains("gongspool_recordings{state=\"held\"} 1") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(metrics.contains(#"gongspool_api_requests_total{endpoint="create_call",status="401"} 1"#), "\(metrics)")
            #expect(metrics.contains(#"gongspool_failures_total{reason="credentials_rejected"} 1"#))
            #expect(metrics.contains(#"gongspool_recordings{state="held"} 1"#))
            #expect(metrics.contains("gongspool_daily_budget_used 1"))
            #expect(metrics.contains("gongspool_drain_estimate_seconds"), "the drain estimate is exported")
            #expect(metrics.contains("gongspool_requests_needed"))
            #expect(metrics.contains("gongspool_sending_halted 1"), "the halt is a metric")
            #expect(metrics.contains(#"gongspool_skipped_today{reason="media_too_short"} 1"#), "what was not sent")
            #expect(metrics.contains(#"gongspool_skipped_today{reason="media_silent"} 0"#))
            #expect(metrics.contains("gongspool_requests_saved_today 2"))
            #expect(metrics.contains(#"gongspool_recordings{state="missing"} 0"#))
            #expect(try await get(base + "/nothing").0 == 404)
        }
    }
}
