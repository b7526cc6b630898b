import Foundation
import GongSimulator
import GongSpoolCore
import TestSupport
import Testing

/// Numbers from outside that used to crash the release binary (status 132, every poll, so
/// systemd restarted it into the same input): each, through the real binary, now ends with a
/// reason naming the value, and every other recording is delivered.
@Suite struct HostileInputTests {
    /// An MP4 whose first box (`ftyp`) has the 64-bit size `size`.
    static func mp4(largesize size: UInt64) -> Data {
        var bytes: [UInt8] = [0, 0, 0, 1] + Array("ftyp".utf8)
        bytes += (0..<8).reversed().map { UInt8(truncatingIfNeeded: size >> (8 * UInt64($0))) }
        bytes += Array("isom".utf8) + [UInt8](repeating: 0, count: 64)
        return Data(bytes)
    }

    @Test func hostileNumbersInFilesEndWithAReasonAndDeliveryGoesOn() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let twelveSeconds = Fixtures.wav(seconds: 12, seed: 1)
        try h.spool.write("dur-1e20.wav", twelveSeconds)
        try h.spool.write(
            "dur-1e20.json",
            Data(
                String(decoding: Fixtures.sidecarData(id: "pbx:dur-1e20"), as: UTF8.self)
                    .replacingOccurrences(of: "}", with: ",\"duration\":1e20}", options: .backwards, range: nil).utf8))
        try h.spool.write("dur-max.wav", Fixtures.wav(seconds: 12, seed: 2))
        try h.spool.write(
            "dur-max.json",
            Data(
                String(decoding: Fixtures.sidecarData(id: "pbx:dur-max"), as: UTF8.self)
                    .replacingOccurrences(of: "}", with: ",\"duration\":1.7976931348623157e308}", options: .backwards, range: nil).utf8))
        try h.spool.writeRecording("box-fff0", id: "pbx:box-fff0", audio: Self.mp4(largesize: 0xFFFF_FFFF_FFFF_FFF0), ext: "mp4")
        try h.spool.writeRecording("box-top", id: "pbx:box-top", audio: Self.mp4(largesize: 0x8000_0000_0000_0000), ext: "mp4")
        try h.spool.writeRecording("good", id: "pbx:good", audio: Fixtures.wav(seconds: 3, seed: 3))
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim))
            for file in ["dur-1e20.json", "dur-max.json", "box-fff0.mp4", "box-top.mp4"] {
                let validate = try await cli.run(["validate", h.spool.file(file), "--config", cli.config])
                #expect(validate.status == 65, "validate \(file) ends with a data error, not a trap: \(validate.output)")
            }
            let once = try await cli.once()
            #expect(once.status == 0, "run --once stays up: \(once.output.suffix(2000))")
            #expect(try await cli.show("pbx:good")["state"] == .string("done"))
            for (stem, value) in [("dur-1e20", "1e+20"), ("dur-max", "1.79769e+308")] {
                let row = try await cli.show(stem)
                #expect(row["state"] == .string("rejected"), "\(row)")
                let reason = row["reason"]?.stringValue ?? ""
                #expect(reason.contains("duration") && reason.contains(value) && reason.contains("out of range"), "\(reason)")
            }
            for (stem, value) in [("box-fff0", "18446744073709551600"), ("box-top", "9223372036854775808")] {
                let row = try await cli.show(stem)
                #expect(row["state"] == .string("rejected") && row["lastErrorCode"] == .string("not_media"), "\(row)")
                #expect(row["reason"]?.stringValue?.contains(value) == true, "\(row)")
            }
            let snapshot = await sim.state.snapshot()
            #expect(snapshot.acceptedCreates.keys.sorted() == ["pbx:good"], "nothing else reached Gong")
            for file in ["dur-1e20.wav", "dur-max.wav", "box-fff0.mp4", "box-top.mp4"] {
                #expect(FileManager.default.fileExists(atPath: h.spool.file(file)), "\(file) is kept")
            }
        }
    }

    @Test func aHostileRetryAfterIsCappedAndRestartsDoNotCrash() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("a", id: "pbx:a", audio: Fixtures.wav(seconds: 1, seed: 4))
        var options = SimulatorOptions()
        options.forced429Count = 1
        options.forcedRetryAfterHeader = "10000000000000000"
        try await GongSimulator.withRunning(options: options) { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim))
            let log = h.work.file("daemon.log")
            var daemon = try Binary.start(["run", "--config", cli.config], environment: DeliveryHarness.environment(), log: log)
            defer { kill(daemon.processIdentifier, SIGKILL) }
            let row = try await cli.waitFor("pbx:a", "ready")
            #expect(row["lastErrorCode"] == .string("rate_limited"), "\(row)")
            #expect(row["reason"]?.stringValue?.contains("capped at 3600 s") == true, "\(row)")
            let paused = try await Self.pausedUntil(cli)
            #expect(paused <= Date().addingTimeInterval(RetryAfter.maxSeconds + 60), "the pause is bounded: \(paused)")
            #expect(daemon.isRunning, "the daemon is still up")

            // A restart takes the bounded pause up again, and so does one after an older version
            // kept an unbounded one in the state.
            for stored in [nil, "1e300", "inf"] {
                kill(daemon.processIdentifier, SIGKILL)
                await Binary.waitForExit(daemon)
                if let stored { try Self.setMeta(h.database, "pausedUntil", stored) }
                daemon = try Binary.start(["run", "--config", cli.config], environment: DeliveryHarness.environment(), log: log)
                let status = try await cli.run(["status", "--config", cli.config])
                #expect(status.status == 0, "status reads the stored pause: \(status.output)")
                // Up long enough to have read the pause and gone to wait on it.
                let started = try await Self.waitForLog(log, "Gong asked for a pause before the restart")
                #expect(started, "the restarted daemon took the pause up: \(Self.tail(log))")
                #expect(daemon.isRunning, "restart with a stored pause of \(stored ?? "an hour"): \(Self.tail(log))")
            }
            #expect(Self.tail(log).contains("the pause kept from before the restart was too long; shortened"))
            #expect(await sim.state.snapshot().requests.count == 1, "nothing was sent while paused")
        }
    }

    /// A file this version cannot survive (a test-only switch makes the probe trap on it): under
    /// a restarting loop, as systemd is, the daemon dies on it twice (once could be a power cut),
    /// the next start holds that recording and delivers the others; `retry` tries it again; a
    /// version that survives it delivers it.
    @Test func aPoisonRecordingIsHeldAndCannotStopDelivery() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        var hashes: [String: String] = [:]
        for (stem, seed) in [("good1", 11), ("good2", 12), ("good3", 13), ("poison", 20)] {
            let audio = Fixtures.wav(seconds: 1, seed: seed)
            try h.spool.writeRecording(stem, id: "pbx:\(stem)", audio: audio)
            hashes["pbx:\(stem)"] = Crypto.sha256Hex(audio)
        }
        let expected = hashes
        let poisoned = DeliveryHarness.environment().merging(["GONGSPOOL_TEST_TRAP_ON_FILE": "poison.wav", "SWIFT_BACKTRACE": "enable=no"]) { $1 }
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim))
            /// `run --once` restarted until it exits 0 (at most five starts): the exit of each.
            func restartingLoop() async throws -> [Int32?] {
                var exits: [Int32?] = []
                while exits.count < 5, exits.last != 0 {
                    exits.append(try await cli.run(["run", "--once", "--config", cli.config], timeout: 60, environment: poisoned).status)
                }
                return exits
            }
            let exits = try await restartingLoop()
            #expect(exits.count == 3 && exits.dropLast().allSatisfy { $0 != 0 } && exits.last == 0, "two deaths, then a start that goes on: \(exits)")
            let held = try await cli.show("poison")
            #expect(held["state"] == .string("held") && held["lastErrorCode"] == .string("examination_crashed"), "\(held)")
            #expect(held["reason"]?.stringValue?.contains("the daemon stopped 2 times while examining poison.wav") == true, "\(held)")
            for i in 1...3 { #expect(try await cli.show("pbx:good\(i)")["state"] == .string("done")) }
            #expect(await sim.state.snapshot().acceptedCreates.keys.sorted() == ["pbx:good1", "pbx:good2", "pbx:good3"])

            // `retry` tries it once more: still fatal to this version, so held again, nothing else lost.
            #expect(try await cli.run(["retry", "poison", "--config", cli.config]).status == 0)
            let again = try await restartingLoop()
            #expect(again.count == 3 && again.dropLast().allSatisfy { $0 != 0 } && again.last == 0, "\(again)")
            #expect(try await cli.show("poison")["lastErrorCode"] == .string("examination_crashed"))

            // A version that survives the file delivers it, once.
            #expect(try await cli.run(["retry", "poison", "--config", cli.config]).status == 0)
            #expect(try await cli.once().status == 0)
            #expect(try await cli.show("poison")["state"] == .string("done"))
            let snapshot = await sim.state.snapshot()
            #expect(
                snapshot.acceptedCreates["pbx:poison"] == 1 && snapshot.exactlyOnceProblems(expected).isEmpty,
                "\(snapshot.exactlyOnceProblems(expected))")
            #expect(FileManager.default.fileExists(atPath: h.spool.file("poison.wav")))
        }
    }

    static func pausedUntil(_ cli: OperatorCLI) async throws -> Date {
        let status = try JSONValue.parse(Data(try await cli.run(["status", "--json", "--config", cli.config]).output.utf8))
        return try #require(status["pausedUntil"]?.stringValue.flatMap(ISOTimestamp.parse), "\(status)")
    }

    static func setMeta(_ database: String, _ key: String, _ value: String) throws {
        let script =
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('REPLACE INTO meta(key,value) VALUES(?,?)',(sys.argv[2],sys.argv[3])); c.commit()"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, database, key, value]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    static func waitForLog(_ path: String, _ text: String, seconds: Double = 30) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if tail(path).contains(text) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    static func tail(_ path: String) -> String {
        String(((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").suffix(6000))
    }
}
