import Foundation
import GongSimulator
import GongSpoolCore
import GongSpoolSQLite
import TestSupport
import Testing

/// A backlog against a faulty simulator, the real daemon SIGKILLed at seeded random moments,
/// restarted each time, then drained. Longer with GONGSPOOL_LONG_TESTS=1.
@Suite struct CrashSuiteTests {
    @Test func randomKillsNeverLoseOrDuplicateARecording() async throws {
        let long = ProcessInfo.processInfo.environment["GONGSPOOL_LONG_TESTS"] == "1"
        let recordings = long ? 200 : 50
        let kills = long ? 25 : 8
        let seed = UInt64(ProcessInfo.processInfo.environment["GONGSPOOL_SEED"] ?? "") ?? 20_261_122
        print("crash suite: seed \(seed), \(recordings) recordings, \(kills) kills")
        var random = SplitMix64(seed: seed)
        let delays = (0..<kills).map { _ in 150 + Int(random.next() % 700) }
        let h = try DeliveryHarness()
        defer { h.remove() }
        var hashes: [String: String] = [:]
        for i in 0..<recordings {
            let audio = Fixtures.wav(seconds: 0.2, seed: i + 1000)
            try h.spool.write("2026/11/\(i % 7)/call-\(i).wav", audio)
            try h.spool.write("2026/11/\(i % 7)/call-\(i).json", Fixtures.sidecarData(id: "crash:\(i)"))
            hashes["crash:\(i)"] = Crypto.sha256Hex(audio)
        }
        var options = SimulatorOptions()
        options.requestsPerSecond = 0
        options.failureRate = 0.1
        options.lostResponseRate = 0.1
        options.latencyMilliseconds = 20
        options.seed = seed
        let env = DeliveryHarness.environment(options)
        let snapshot = try await GongSimulator.withRunning(options: options) { sim in
            let path = try h.work.write(
                "crash.yaml",
                text: """
                    spool:
                      directory: \(h.spool.path)
                      recursive: true
                      settleSeconds: 0.1
                      pollIntervalSeconds: 0.1
                      minDurationSeconds: 0
                      afterUpload: archive
                      archiveDirectory: \(h.work.file("archive"))
                    gong:
                      baseURL: \(sim.baseURL)
                      requestsPerSecond: 200
                      readTimeoutSeconds: 5
                    retry:
                      initialBackoffSeconds: 0.05
                      maxBackoffSeconds: 0.2
                    state:
                      database: \(h.database)
                    metrics:
                      listen: ""
                    """)
            for round in 0..<kills {
                let daemon = try Binary.start(["run", "--config", path], environment: env, log: h.work.file("run-\(round).log"))
                try await Task.sleep(for: .milliseconds(delays[round]))
                kill(daemon.processIdentifier, SIGKILL)
                await Binary.waitForExit(daemon)
            }
            // Two kills in a row while the same recording was examined look like a file that kills
            // the daemon: it is held (examination_crashed), its files kept; an operator's retry
            // sends it. Anything else held is a failure below.
            let store = try SQLiteStateStore.open(path: h.database)
            for row in try await store.recordings(in: [.held]) where row.lastErrorCode == .examinationCrashed {
                _ = try await Binary.run(["retry", String(row.id ?? 0), "--config", path], environment: env, log: h.work.file("retry.log"))
            }
            try store.close()
            let status = try await Binary.run(["run", "--once", "--config", path], environment: env, log: h.work.file("final.log"))
            #expect(status == 0)
            return await sim.state.snapshot()
        }
        #expect(snapshot.invalidRequests == 0)
        #expect(Set(snapshot.acceptedCreates.keys) == Set(hashes.keys))
        #expect(snapshot.acceptedCreates.values.allSatisfy { $0 == 1 })
        #expect(snapshot.callsWithoutMedia.isEmpty)
        for call in snapshot.calls.values {
            #expect(call.mediaSHA256 == hashes[call.clientUniqueId])
        }
        // Every original file is in the spool or in the archive.
        for i in 0..<recordings {
            for ext in ["wav", "json"] {
                let relative = "2026/11/\(i % 7)/call-\(i).\(ext)"
                let somewhere =
                    FileManager.default.fileExists(atPath: h.spool.file(relative))
                    || FileManager.default.fileExists(atPath: h.work.file("archive/" + relative))
                #expect(somewhere, "\(relative) lost")
            }
        }
        let store = try SQLiteStateStore.open(path: h.database)
        #expect(try await store.countsByState()[.done] == recordings)
    }
}
