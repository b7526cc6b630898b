import Foundation
import GongSimulator
import GongSpool
import Testing
import TestSupport

/// The daemon as systemd runs it: a real process, JSON logs, SIGTERM.
@Suite struct DaemonProcessTests {
    @Test func sigtermStopsCleanlyAndLogsNeverShowSecrets() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.write("a.wav", Fixtures.wav(seed: 21))
        try h.spool.write("a.json", Fixtures.sidecarData(id: "pbx:sig"))
        let options = SimulatorOptions()
        let env = ["GONG_ACCESS_KEY": options.accessKey, "GONG_ACCESS_KEY_SECRET": options.accessKeySecret]
        let log = h.work.file("daemon.log")
        try await GongSimulator.withRunning(options: options) { sim in
            let config = try h.writeConfig(sim)
            let daemon = try Binary.start(["run", "--config", config, "--log-format", "json", "--log-level", "debug"], environment: env, log: log)
            let store = try StateStore.open(path: h.database)
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline, try await store.find("pbx:sig")?.state != .done {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await store.find("pbx:sig")?.state == .done)
            kill(daemon.processIdentifier, SIGTERM)
            daemon.waitUntilExit()
            #expect(daemon.terminationReason == .exit)
            #expect(daemon.terminationStatus == 0)
        }
        let text = try String(contentsOfFile: log, encoding: .utf8)
        let lines = text.split(separator: "\n").filter { !$0.isEmpty }
        #expect(lines.count >= 3)
        for line in lines {
            #expect((try? JSONValue.parse(Data(line.utf8)))?["msg"] != nil, "not a JSON log line: \(line)")
        }
        #expect(text.contains("\"clientUniqueId\":\"pbx:sig\""))
        #expect(text.contains("gongspool stopped"))
        #expect(!text.contains(options.accessKeySecret))
        #expect(!text.contains(Credentials(accessKey: options.accessKey, accessKeySecret: options.accessKeySecret, source: "").basicAuthorization))
        #expect(!text.lowercased().contains("authorization: basic"))
    }
}
