import Foundation
import GongSimulator
import GongSpoolCore
import GongSpoolSQLite
import TestSupport
import Testing

/// The machine misbehaving: an archive that cannot be written, the state database locked by
/// another process, no room to grow the state. Each gives a clear error, loses nothing, and
/// recovers when the condition clears.
@Suite struct BadEnvironmentTests {
    static let options = SimulatorOptions()
    static let env = DeliveryHarness.environment(options)

    /// Waits until `condition` holds or `seconds` pass; returns whether it held.
    static func eventually(_ seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    static func delivered(_ sim: GongSimulator, _ count: Int) async -> Bool {
        await sim.state.snapshot().calls.values.filter { $0.mediaSHA256 != nil }.count >= count
    }

    @Test func anArchiveThatCannotBeWrittenKeepsFilesAndRecovers() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let hashes = try h.addBacklog(count: 3, prefix: "arch")
        let archive = h.work.file("archive")
        // Read-only for an ordinary user; as root (who ignores modes) a file sits in the way.
        if getuid() == 0 {
            try h.work.write("archive", text: "not a directory")
        } else {
            try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true)
            chmod(archive, 0o555)
        }
        let log = h.work.file("daemon.log")
        let snapshot = try await GongSimulator.withRunning(options: Self.options) { sim in
            let config = try h.writeConfig(sim, spool: ["afterUpload: archive", "archiveDirectory: \(archive)"])
            let daemon = try Binary.start(["run", "--config", config], environment: Self.env, log: log)
            defer { kill(daemon.processIdentifier, SIGKILL) }
            let store = try SQLiteStateStore.open(path: h.database)
            // Uploaded, and the archive step tried and failed (not merely about to be tried): it waits to be tried again.
            #expect(
                try await Self.eventually(120) {
                    try await store.recordings(in: [.waiting]).filter { $0.lastErrorCode == .afterUploadFailed && $0.phase == .finish }.count == 3
                }, "\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            let parked = try await store.recordings(in: [.waiting])
            #expect(parked.allSatisfy { $0.lastErrorCode == .afterUploadFailed && ($0.reason ?? "").contains("archive") }, "\(parked.map(\.reason))")
            #expect(try FileManager.default.subpathsOfDirectory(atPath: h.spool.path).filter { $0.hasSuffix(".json") }.count == 3, "nothing lost")
            #expect(daemon.isRunning)
            // The admin fixes the archive: everything ends done, in the archive, uploaded once.
            if getuid() == 0 { try FileManager.default.removeItem(atPath: archive) } else { chmod(archive, 0o755) }
            #expect(try await Self.eventually(120) { try await store.recordings(in: [.done]).count == 3 })
            kill(daemon.processIdentifier, SIGTERM)
            await Binary.waitForExit(daemon)
            return await sim.state.snapshot()
        }
        #expect(snapshot.exactlyOnceProblems(hashes).isEmpty, "\(snapshot.exactlyOnceProblems(hashes))")
        #expect(
            snapshot.requests.filter { $0.method == "PUT" && $0.status != 429 }.count == 3,
            "media never sent twice: \(snapshot.requests.map { "\($0.method) \($0.status)" })")
        #expect(try FileManager.default.subpathsOfDirectory(atPath: archive).filter { $0.hasSuffix(".json") }.count == 3)
    }

    @Test func aStateDatabaseLockedByAnotherProcessIsWaitedOut() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let log = h.work.file("daemon.log")
        let marker = h.work.file("locked")
        let go = h.work.file("files-added")
        let snapshot = try await GongSimulator.withRunning(options: Self.options) { sim in
            let config = try h.writeConfig(sim)
            let daemon = try Binary.start(["run", "--config", config, "--log-format", "json"], environment: Self.env, log: log)
            defer { kill(daemon.processIdentifier, SIGKILL) }
            let store = try SQLiteStateStore.open(path: h.database)
            #expect(
                try await Self.eventually(120) {
                    try await store.backfillCutoff(.all, now: Date()) == nil && FileManager.default.fileExists(atPath: h.database)
                })
            // Another process takes the write lock and holds it for 12 s after the files are
            // there — far longer than the 5 s busy timeout, however late a loaded machine gets
            // to adding them.
            async let locker = PythonRunner.run(
                """
                import os, sqlite3, sys, time
                db = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
                db.execute("BEGIN EXCLUSIVE")
                open(sys.argv[2], "w").write("locked")
                while not os.path.exists(sys.argv[3]):
                    time.sleep(0.05)
                time.sleep(12)
                db.execute("COMMIT")
                """, arguments: [h.database, marker, go])
            #expect(try await Self.eventually(120) { FileManager.default.fileExists(atPath: marker) })
            let hashes = try h.addBacklog(count: 3, prefix: "lock")
            #expect(FileManager.default.createFile(atPath: go, contents: Data()))
            try await Task.sleep(for: .seconds(6))
            #expect(await sim.state.snapshot().calls.isEmpty, "nothing can be sent without recording it first")
            #expect(daemon.isRunning, "the daemon waits the lock out")
            #expect(try await locker.status == 0)
            #expect(try await Self.eventually(120) { await Self.delivered(sim, 3) })
            #expect(try await Self.eventually(120) { try await store.recordings(in: [.done]).count == 3 })
            kill(daemon.processIdentifier, SIGTERM)
            await Binary.waitForExit(daemon)
            let snapshot = await sim.state.snapshot()
            #expect(snapshot.exactlyOnceProblems(hashes).isEmpty, "\(snapshot.exactlyOnceProblems(hashes))")
            return snapshot
        }
        #expect(snapshot.invalidRequests == 0)
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(output.contains("database is locked"), "the error says what is wrong")
    }

    @Test func noRoomForTheStateLosesNothingAndRecoversAfterwards() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let log = h.work.file("daemon.log")
        // Create the database first, then let it grow by no more than a few pages.
        let store = try SQLiteStateStore.open(path: h.database)
        let hashes = try h.addBacklog(count: 12, prefix: "full")
        let size = [h.database, h.database + "-wal"].compactMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int }.max() ?? 0
        let snapshot = try await GongSimulator.withRunning(options: Self.options) { sim in
            let config = try h.writeConfig(sim)
            let limited = try Binary.start(
                ["run", "--config", config, "--log-format", "json"], environment: Self.env, log: log,
                fileSizeLimitKiB: size / 1024 + 160)
            try await Task.sleep(for: .seconds(4))
            let stillRunning = limited.isRunning
            kill(limited.processIdentifier, SIGKILL)
            await Binary.waitForExit(limited)
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            #expect(output.contains("disk I/O error") || output.contains("database or disk is full"), "a clear error: \(output.suffix(600))")
            #expect(stillRunning, "the daemon keeps running and logs why: \(output.suffix(600))")
            #expect(await sim.state.snapshot().acceptedCreates.count < hashes.count, "the limit did stop progress")
            // Backing off, not polling or claiming into the same error at every interval: a handful
            // of failed attempts in 4 s (at the 0.1 s poll interval, over 30 without backoff; a
            // slower machine logs fewer).
            let failures = output.split(separator: "\n").filter {
                $0.contains("delivery step failed") || $0.contains("while claiming work") || $0.contains("spool poll failed")
            }
            #expect(failures.count <= 20, "\(failures.count) failed attempts in 4 s: \(failures.suffix(3))")
            // Room again: a restart delivers everything exactly once.
            let daemon = try Binary.start(["run", "--config", config], environment: Self.env, log: log)
            defer { kill(daemon.processIdentifier, SIGKILL) }
            #expect(try await Self.eventually(120) { try await store.recordings(in: [.done]).count == hashes.count })
            kill(daemon.processIdentifier, SIGTERM)
            await Binary.waitForExit(daemon)
            return await sim.state.snapshot()
        }
        #expect(snapshot.exactlyOnceProblems(hashes).isEmpty, "\(snapshot.exactlyOnceProblems(hashes))")
        #expect(snapshot.callsWithoutMedia.isEmpty)
    }
}
