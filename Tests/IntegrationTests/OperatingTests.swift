import Foundation
import GongSimulator
import GongSpoolCore
import TestSupport
import Testing

/// Years under systemd (issue 12), tried on the real binary: reload versus stop, one daemon per
/// state database, a pause that survives a restart, misconfiguration that halts instead of
/// rejecting, Gong's user list, `check`, and file names that are data.
@Suite struct OperatingTests {
    static let gongUsers = [
        DirectoryUser(
            id: "7000000000000000204", emailAddress: "ana@example.com", phoneNumber: nil, phoneExtension: "204",
            name: "Ana Lee", active: true, telephonyCallsImported: true)
    ]

    /// Waits up to `seconds` for `condition`.
    static func eventually(_ seconds: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    /// The lifecycle lines systemd heard (READY, RELOADING, STOPPING), in order.
    static func lifecycle(_ datagrams: [String]) -> [String] {
        datagrams.compactMap { $0.split(separator: "\n").first.map(String.init) }.filter { !$0.hasPrefix("WATCHDOG") && !$0.hasPrefix("STATUS") }
    }

    @Test func aReloadIsAnnouncedAsAReloadAndOnlyTheEndAsStopping() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let socket = h.work.file("notify")
        let fd = try NotifySocket.listen(socket)
        defer { close(fd) }
        let heard = try await GongSimulator.withRunning { sim in
            var heard: [String] = []
            let config = try h.writeConfig(sim)
            let environment = DeliveryHarness.environment().merging(["NOTIFY_SOCKET": socket, "WATCHDOG_USEC": "2000000"]) { $1 }
            let daemon = try Binary.start(["run", "--config", config], environment: environment, log: h.work.file("daemon.log"))
            defer { kill(daemon.processIdentifier, SIGKILL) }
            #expect(
                try await Self.eventually {
                    heard += NotifySocket.drain(fd)
                    return Self.lifecycle(heard) == ["READY=1"]
                })
            try h.spool.writeRecording("r1", id: "pbx:r1", audio: Fixtures.wav(seed: 901))
            _ = try h.writeConfig(sim, extra: "defaults:\n  languageCode: de-DE\n")
            kill(daemon.processIdentifier, SIGHUP)
            #expect(
                try await Self.eventually {
                    heard += NotifySocket.drain(fd)
                    return Self.lifecycle(heard).count >= 3
                })
            #expect(daemon.isRunning, "a reload is not a stop")
            #expect(
                try await Self.eventually {
                    heard += NotifySocket.drain(fd)
                    return heard.contains { $0.hasPrefix("WATCHDOG=1") }
                })
            kill(daemon.processIdentifier, SIGTERM)
            await Binary.waitForExit(daemon)
            #expect(daemon.terminationStatus == 0)
            return heard + NotifySocket.drain(fd)
        }
        #expect(Self.lifecycle(heard) == ["READY=1", "RELOADING=1", "READY=1", "STOPPING=1"], "\(heard)")
        let reloading = try #require(heard.first { $0.hasPrefix("RELOADING=1") })
        #expect(reloading.split(separator: "\n").contains { $0.hasPrefix("MONOTONIC_USEC=") && UInt64($0.dropFirst(15)) != nil }, "\(reloading)")
    }

    @Test func oneDaemonPerStateDatabase() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim))
            let daemon = try Binary.start(
                ["run", "--config", cli.config], environment: DeliveryHarness.environment(), log: h.work.file("daemon.log"))
            defer { kill(daemon.processIdentifier, SIGKILL) }
            #expect(
                try await Self.eventually {
                    FileManager.default.fileExists(atPath: h.database + ".lock")
                        && (try? String(contentsOfFile: h.database + ".lock", encoding: .utf8))?.isEmpty == false
                })
            let second = try await cli.once()
            #expect(second.status == 75, "\(second.output)")
            #expect(second.output.contains("PID \(daemon.processIdentifier)"), "names the holder: \(second.output)")
            let status = try await cli.run(["status", "--config", cli.config])
            #expect(status.status == 0, "operator commands work beside the daemon: \(status.output)")
            kill(daemon.processIdentifier, SIGTERM)
            await Binary.waitForExit(daemon)
            #expect(try await cli.once().status == 0, "the lock goes with the process")
        }
    }

    @Test func aPauseGongAskedForSurvivesARestart() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let hashes = try h.addBacklog(count: 2, prefix: "pause")
        var options = SimulatorOptions()
        options.requestsPerSecond = 0
        options.forced429Count = 1
        options.forcedRetryAfterSeconds = 4
        let snapshot = try await GongSimulator.withRunning(options: options) { sim in
            // One worker: a request already on the wire when the 429 came cannot be recalled (see DeliveryTests).
            let config = try h.writeConfig(sim, gong: ["maxConcurrentUploads: 1"])
            let first = try Binary.start(["run", "--config", config], environment: DeliveryHarness.environment(), log: h.work.file("first.log"))
            defer { kill(first.processIdentifier, SIGKILL) }
            #expect(try await Self.eventually { await sim.state.snapshot().requests.contains { $0.status == 429 } })
            kill(first.processIdentifier, SIGTERM)
            await Binary.waitForExit(first)
            let second = try Binary.start(["run", "--config", config], environment: DeliveryHarness.environment(), log: h.work.file("second.log"))
            defer { kill(second.processIdentifier, SIGKILL) }
            #expect(try await Self.eventually(30) { await sim.state.snapshot().calls.values.filter { $0.mediaSHA256 != nil }.count == 2 })
            kill(second.processIdentifier, SIGTERM)
            await Binary.waitForExit(second)
            return await sim.state.snapshot()
        }
        #expect(
            snapshot.earlyRequests == 0,
            "no request before Retry-After ended, restart or not: \(snapshot.requests.map { "\($0.method) \($0.status)" })")
        #expect(snapshot.exactlyOnceProblems(hashes).isEmpty)
    }

    @Test func aWrongBaseURLHaltsSendingInsteadOfRejectingTheQueue() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        _ = try h.addBacklog(count: 3, prefix: "url")
        try await GongSimulator.withRunning { sim in
            // A path Gong does not serve (a proxy's prefix, say): every request answers 404.
            let wrong = try h.work.write(
                "wrong.yaml",
                text: String(contentsOfFile: try h.writeConfig(sim), encoding: .utf8)
                    .replacingOccurrences(of: "baseURL: \(sim.baseURL)", with: "baseURL: \(sim.baseURL)/gong-proxy"))
            let cli = OperatorCLI(h, config: wrong)
            let run = try await cli.once()
            #expect(run.status == 75, "halted: \(run.output.suffix(500))")
            // At most the requests already on the wire (one per worker), not one per recording.
            let sent = await sim.state.snapshot().requests.count
            #expect(sent >= 1 && sent <= 2, "\(sent) requests")
            let rows = try JSONValue.parse(Data(try await cli.run(["list", "--config", wrong, "--json"]).output.utf8)).arrayValue ?? []
            #expect(!rows.contains { $0["state"] == .string("rejected") })
            #expect(rows.filter { $0["lastErrorCode"] == .string("endpoint_misconfigured") }.count == sent)
            #expect(rows.filter { $0["state"] == .string("ready") }.allSatisfy { $0["waitsFor"]?.stringValue?.contains("sending to resume") == true })
            let status = try await cli.run(["status", "--config", wrong])
            #expect(status.output.contains("SENDING HALTED"), "\(status.output)")
            #expect(status.output.contains("nothing moves while sending is halted"), "\(status.output)")
            // Fixed, and started again: the hold is released, everything goes.
            let fixed = OperatorCLI(h, config: try h.writeConfig(sim))
            #expect(try await fixed.once().status == 0)
            #expect(await sim.state.snapshot().calls.values.filter { $0.mediaSHA256 != nil }.count == 3)
            #expect(try await fixed.run(["status", "--config", fixed.config]).output.contains("SENDING HALTED") == false)
        }
    }

    @Test func rejectedRecordingsAreRetriedInBulk() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("a", id: "pbx:bulk-a", user: Self.gongUsers[0].id, audio: Fixtures.wav(seed: 911))
        try h.spool.writeRecording("b", id: "pbx:bulk-b", user: Self.gongUsers[0].id, audio: Fixtures.wav(seed: 912))
        var strict = SimulatorOptions()
        strict.users = [DirectoryUser(id: "7000000000000000999")]  // the company does not (yet) have the recordings' user
        try await GongSimulator.withRunning(options: strict) { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim))
            #expect(try await cli.once().status == 0)
            #expect(try await cli.show("pbx:bulk-a")["state"] == .string("rejected"))
        }
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim))
            let retried = try await cli.run(["retry", "--config", cli.config, "--all-rejected", "--yes"])
            #expect(retried.status == 0, "\(retried.output)")
            #expect(try await cli.once().status == 0)
            #expect(try await cli.show("pbx:bulk-a")["state"] == .string("done"))
            #expect(try await cli.show("pbx:bulk-b")["state"] == .string("done"))
        }
    }

    @Test func gongsUserListSurvivesA429AndA403IsVisible() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.write("in-204-5551234567-20261122-101500-1795342500.1.wav", Fixtures.wav(seed: 921))
        let mapping = "metadata:\n  preset: freepbx\nusers:\n  fromGong: true\n"
        var limited = SimulatorOptions()
        limited.users = Self.gongUsers
        limited.forced429Count = 1  // the first page of GET /v2/users
        limited.forcedRetryAfterSeconds = 1
        try await GongSimulator.withRunning(options: limited) { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim, spool: ["systemId: pbx-a"], extra: mapping))
            #expect(try await cli.once().status == 0)
            let row = try await cli.show("pbx-a:1795342500.1")
            #expect(row["state"] == .string("done"), "mapped through the list fetched after the 429: \(row)")
        }
        let h2 = try DeliveryHarness()
        defer { h2.remove() }
        try h2.spool.write("in-204-5551234567-20261122-101500-1795342500.2.wav", Fixtures.wav(seed: 922))
        var forbidden = SimulatorOptions()
        forbidden.users = Self.gongUsers
        forbidden.usersForbidden = true
        try await GongSimulator.withRunning(options: forbidden) { sim in
            let cli = OperatorCLI(h2, config: try h2.writeConfig(sim, spool: ["systemId: pbx-a"], extra: mapping))
            let check = try await cli.run(["check", "--config", cli.config])
            #expect(check.status == 78, "\(check.output)")
            #expect(check.output.contains("api:users:read"), "\(check.output)")
            #expect(try await cli.once().status == 0)
            #expect(try await cli.show("in-204-5551234567-20261122-101500-1795342500.2")["lastErrorCode"] == .string("awaiting_users"))
            let status = try await cli.run(["status", "--config", cli.config])
            #expect(status.output.contains("GONG USER LIST NOT FETCHED") && status.output.contains("403"), "\(status.output)")
        }
    }

    @Test func checkProvesTheSetUp() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim))
            let ok = try await cli.run(["check", "--config", cli.config])
            #expect(ok.status == 0, "\(ok.output)")
            #expect(ok.output.contains("accepted by Gong"), "\(ok.output)")
            // For scripts and configuration management: the same findings as one JSON object.
            let okJSON = try await cli.run(["check", "--config", cli.config, "--json"])
            #expect(okJSON.status == 0, "\(okJSON.output)")
            let verdict = try JSONValue.parse(Data(okJSON.output.utf8))
            #expect(verdict["ready"] == .bool(true) && verdict["credentials"] != .null, "\(okJSON.output)")
            let findings = verdict["findings"]?.arrayValue ?? []
            #expect(
                findings.contains { $0["subject"] == .string("gong credentials") || ($0["detail"]?.stringValue ?? "").contains("accepted by Gong") })
            #expect(findings.allSatisfy { ["ok", "note"].contains($0["severity"]?.stringValue ?? "") }, "\(okJSON.output)")
            let wrongSecret = try await cli.run(
                ["check", "--config", cli.config],
                environment: ["GONG_ACCESS_KEY": "simulator-key", "GONG_ACCESS_KEY_SECRET": "expired"])
            #expect(wrongSecret.status == 78 && wrongSecret.output.contains("rejected by Gong"), "\(wrongSecret.output)")
            let v2 = try h.work.write(
                "v2.yaml",
                text: String(contentsOfFile: cli.config, encoding: .utf8)
                    .replacingOccurrences(of: "baseURL: \(sim.baseURL)", with: "baseURL: \(sim.baseURL)/v2"))
            let misplaced = try await cli.run(["check", "--offline", "--config", v2])
            #expect(
                misplaced.status == 78 && misplaced.output.contains("gong.baseURL") && misplaced.output.contains("/v2"),
                "offline too: \(misplaced.output)")
            #expect(try await cli.run(["run", "--once", "--config", v2]).status == 78, "run refuses it at start, as check said")
            _ = try h.work.write("blocked", text: "a file where a directory should be")
            let archive = try h.writeConfig(sim, spool: ["afterUpload: archive", "archiveDirectory: \(h.work.file("blocked/archive"))"])
            let blocked = try await cli.run(["check", "--config", archive])
            #expect(blocked.status == 78 && blocked.output.contains("spool.archiveDirectory"), "\(blocked.output)")
            let blockedJSON = try await cli.run(["check", "--config", archive, "--json"])
            let refusal = try JSONValue.parse(Data(blockedJSON.output.utf8))
            #expect(blockedJSON.status == 78 && refusal["ready"] == .bool(false), "\(blockedJSON.output)")
            #expect(
                refusal["findings"]?.arrayValue?.contains { $0["severity"] == .string("wrong") && $0["subject"] == .string("spool.archiveDirectory") }
                    == true,
                "\(blockedJSON.output)")
        }
    }

    @Test func fileNamesCannotForgeLogLinesOrTerminalSequences() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let forged = "2026-01-01T00:00:00+0000 critical gongspool: forged"
        try h.spool.writeRecording("evil\n\(forged)\u{1B}[31m", id: "pbx:evil", audio: Fixtures.wav(seed: 931))
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim))
            let run = try await cli.run(["run", "--once", "--config", cli.config, "--log-level", "debug"])
            #expect(run.status == 0)
            #expect(!run.output.split(separator: "\n").contains { $0.hasPrefix(forged) }, "no forged line in the text log")
            #expect(!run.output.contains("\u{1B}"), "no raw escape in the log")
            let list = try await cli.run(["list", "--config", cli.config])
            #expect(list.output.split(separator: "\n").count == 2, "header and one row: \(list.output)")
            #expect(!list.output.contains("\u{1B}") && list.output.contains("\\e[31m"))
            let json = try JSONValue.parse(Data(try await cli.run(["list", "--config", cli.config, "--json"]).output.utf8))
            #expect(json.arrayValue?.first?["audioPath"] == .string("evil\n\(forged)\u{1B}[31m.wav"), "JSON stays exact")
        }
    }
}
