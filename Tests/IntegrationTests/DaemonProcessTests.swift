import Foundation
import GongSimulator
import GongSpoolCore
import GongSpoolSQLite
import TestSupport
import Testing

/// The daemon as systemd runs it: a real process, JSON logs, SIGTERM.
@Suite struct DaemonProcessTests {
    @Test func sigtermStopsCleanlyAndLogsNeverShowSecrets() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("a", id: "pbx:sig", audio: Fixtures.wav(seed: 21))
        let options = SimulatorOptions()
        let notifySocket = h.work.file("notify")
        let notifyFD = try NotifySocket.listen(notifySocket)
        defer { close(notifyFD) }
        let env = DeliveryHarness.environment(options).merging(["NOTIFY_SOCKET": notifySocket]) { $1 }
        let log = h.work.file("daemon.log")
        try await GongSimulator.withRunning(options: options) { sim in
            let config = try h.writeConfig(sim)
            let daemon = try Binary.start(["run", "--config", config, "--log-format", "json", "--log-level", "debug"], environment: env, log: log)
            let store = try SQLiteStateStore.open(path: h.database)
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline, try await store.find("pbx:sig")?.state != .done {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await store.find("pbx:sig")?.state == .done)
            kill(daemon.processIdentifier, SIGTERM)
            await Binary.waitForExit(daemon)
            #expect(daemon.terminationReason == .exit)
            #expect(daemon.terminationStatus == 0)
        }
        // systemd was told: ready, a status line, stopping.
        let notes = NotifySocket.drain(notifyFD)
        #expect(notes.first == "READY=1")
        #expect(notes.contains { $0.contains("STATUS=") && $0.contains("queued") })
        #expect(notes.contains { $0.hasPrefix("STOPPING=1") })
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

    @Test func sighupReloadsAValidConfigurationAndRefusesABadOne() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let options = SimulatorOptions()
        let env = DeliveryHarness.environment(options)
        let log = h.work.file("daemon.log")
        let snapshot = try await GongSimulator.withRunning(options: options) { sim in
            let config = try h.writeConfig(sim)
            let daemon = try Binary.start(["run", "--config", config], environment: env, log: log)
            let store = try SQLiteStateStore.open(path: h.database)
            func waitDone(_ id: String) async throws -> Bool {
                let deadline = Date().addingTimeInterval(20)
                while Date() < deadline {
                    if try await store.find(id)?.state == .done { return true }
                    try await Task.sleep(for: .milliseconds(50))
                }
                return false
            }
            try h.spool.writeRecording("one", id: "pbx:one", audio: Fixtures.wav(seed: 41))
            #expect(try await waitDone("pbx:one"))
            // A broken configuration is refused; the daemon keeps running on the old one.
            try h.work.write("gongspool.yaml", text: "spool:\n  settleSeconds: soon\n")
            kill(daemon.processIdentifier, SIGHUP)
            #expect(try await logMentions(log, "configuration reload refused"))
            #expect(daemon.isRunning)
            // A valid one is taken: its defaults apply to the next recording.
            _ = try h.writeConfig(sim, extra: "defaults:\n  languageCode: de-DE\n")
            kill(daemon.processIdentifier, SIGHUP)
            #expect(try await logMentions(log, "configuration reloaded"))
            try h.spool.writeRecording("two", id: "pbx:two", audio: Fixtures.wav(seed: 42))
            #expect(try await waitDone("pbx:two"))
            kill(daemon.processIdentifier, SIGTERM)
            await Binary.waitForExit(daemon)
            #expect(daemon.terminationStatus == 0)
            return await sim.state.snapshot()
        }
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(text.contains("configuration reload refused"))
        #expect(text.contains("spool.settleSeconds"))
        #expect(text.contains("configuration reloaded"))
        let bodies = Dictionary(uniqueKeysWithValues: snapshot.calls.values.map { ($0.clientUniqueId, $0.body) })
        #expect(bodies["pbx:one"]?.contains("languageCode") == false)
        #expect(bodies["pbx:two"]?.contains("\"languageCode\":\"de-DE\"") == true)
    }

    /// Waits up to 15 s for `text` to appear in the log file.
    func logMentions(_ path: String, _ text: String) async throws -> Bool {
        for _ in 0..<300 {
            if (try? String(contentsOfFile: path, encoding: .utf8))?.contains(text) == true { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
