import Foundation
import GongSimulator
import GongSpoolCore
import GongSpoolSQLite
import TestSupport
import Testing

/// The real `gongspool` binary, killed with SIGKILL at the two moments that matter, then restarted.
@Suite(.serialized) struct CrashRecoveryTests {
    /// Waits (up to `seconds`) until `condition` holds.
    func eventually(_ seconds: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    func crashAndRecover(killWhen: @escaping @Sendable (SimulatorSnapshot, String) -> Bool) async throws -> (SimulatorSnapshot, Recording) {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let audio = Fixtures.wav(seconds: 2, seed: 11)
        try h.spool.write("crash.wav", audio)
        try h.spool.write("crash.json", Fixtures.sidecarData(id: "pbx:crash"))
        var options = SimulatorOptions()
        options.latencyMilliseconds = 1500
        let env = DeliveryHarness.environment(options)
        let snapshot = try await GongSimulator.withRunning(options: options) { sim in
            // A loaded machine may take long to read an answer: a timeout would re-post once more.
            let config = try h.writeConfig(sim, gong: ["readTimeoutSeconds: 120"])
            let daemon = try Binary.start(["run", "--config", config], environment: env, log: h.work.file("run1.log"))
            let reached = try await eventually {
                killWhen(await sim.state.snapshot(), "pbx:crash")
            }
            kill(daemon.processIdentifier, SIGKILL)
            await Binary.waitForExit(daemon)
            #expect(reached, "the moment to kill never came: \((try? String(contentsOfFile: h.work.file("run1.log"), encoding: .utf8)) ?? "")")
            #expect(daemon.terminationReason == .uncaughtSignal)
            let status = try await Binary.run(["run", "--once", "--config", config], environment: env, log: h.work.file("run2.log"))
            #expect(status == 0, "\((try? String(contentsOfFile: h.work.file("run2.log"), encoding: .utf8)) ?? "")")
            return await sim.state.snapshot()
        }
        let store = try SQLiteStateStore.open(path: h.database)
        let row = try #require(try await store.find("pbx:crash"))
        #expect(snapshot.acceptedCreates == ["pbx:crash": 1])
        #expect(snapshot.calls.count == 1)
        #expect(snapshot.calls.values.first?.mediaSHA256 == Crypto.sha256Hex(audio))
        #expect(snapshot.invalidRequests == 0)
        return (snapshot, row)
    }

    @Test func killedAfterGongCreatedTheCallButBeforeTheAnswer() async throws {
        let (snapshot, row) = try await crashAndRecover { snapshot, id in
            snapshot.acceptedCreates[id] == 1 && snapshot.calls.values.allSatisfy { $0.mediaSHA256 == nil }
        }
        #expect(row.state == .done)
        // The restart re-posted the identical body and was told the existing callId.
        let posts = snapshot.requests.filter { $0.method == "POST" }
        #expect(posts.map(\.status) == [200, 400])
        #expect(row.callId == snapshot.calls.keys.first)
    }

    @Test func killedAfterGongStoredTheMediaButBeforeTheAnswer() async throws {
        let (snapshot, row) = try await crashAndRecover { snapshot, _ in
            snapshot.calls.values.contains { $0.mediaSHA256 != nil }
        }
        #expect(row.state == .done)
        let puts = snapshot.requests.filter { $0.method == "PUT" }
        #expect(puts.map(\.status) == [201, 400])  // the re-PUT was answered "already handled"
    }
}
