import AsyncHTTPClient
import Foundation
import GongSimulator
import GongSpoolCore
import TestSupport
import Testing

/// Gong (or the network to it) gone, and the spool's share unmounted, under the real daemon:
/// each is one line in the log, one line in `status` and `/healthz`, costs no request budget,
/// parks nothing for good, and ends by itself.
@Suite struct OutageTests {
    func get(_ url: String) async throws -> (Int, String) { try await loopbackGet(url) }

    func status(_ cli: OperatorCLI) async throws -> (text: String, json: JSONValue) {
        let text = try await cli.run(["status", "--config", cli.config]).output
        let json = try JSONValue.parse(Data(try await cli.run(["status", "--json", "--config", cli.config]).output.utf8))
        return (text, json)
    }

    func waitUntil(_ what: String, seconds: Double = 30, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("not within \(seconds) s: \(what)")
    }

    @Test func gongUnreachableIsOneLineCostsNoBudgetAndEndsByItself() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let hashes = try h.addBacklog(count: 4, prefix: "outage")
        // Nothing listens on the simulator's port until it is started again below.
        let down = try await GongSimulator.withRunning(port: try QuietPort.free()) { sim in sim }
        let metrics = try QuietPort.free()
        let cli = OperatorCLI(h, config: try h.writeConfig(down, metricsListen: "127.0.0.1:\(metrics)", gong: ["connectTimeoutSeconds: 1"]))
        let log = h.work.file("daemon.log")
        var daemon = try Binary.start(["run", "--config", cli.config], environment: DeliveryHarness.environment(), log: log)
        defer { kill(daemon.processIdentifier, SIGKILL) }

        // async-http-client backs off reconnecting by itself, so attempts come as a loaded
        // machine and the pool allow: wait for every recording tried, eight tries in all.
        try await waitUntil("every recording tried, eight tries in all", seconds: 120) {
            let list = try JSONValue.parse(Data(try await cli.run(["list", "--json", "--config", cli.config]).output.utf8)).arrayValue ?? []
            let attempts = list.map { $0["attempts"]?.doubleValue ?? 0 }
            return list.count == 4 && attempts.allSatisfy { $0 >= 1 } && attempts.reduce(0, +) >= 8
        }
        let health = try await get("http://127.0.0.1:\(metrics)/healthz")
        #expect(health.1.contains("Gong unreachable since"), "\(health)")
        let scraped = try await get("http://127.0.0.1:\(metrics)/metrics").1
        #expect(scraped.contains("gongspool_gong_reachable 0"), "\(scraped.split(separator: "\n").filter { $0.contains("reachable") })")
        // Stopped mid-outage, nothing is in flight: every request counted was given back.
        kill(daemon.processIdentifier, SIGTERM)
        await Binary.waitForExit(daemon)
        let list = try JSONValue.parse(Data(try await cli.run(["list", "--json", "--config", cli.config]).output.utf8)).arrayValue ?? []
        #expect(list.allSatisfy { $0["state"] == .string("waiting") && $0["lastErrorCode"] == .string("gong_unreachable") }, "\(list)")
        let during = try await status(cli)
        #expect(during.text.contains("GONG UNREACHABLE since"), "\(during.text)")
        #expect(during.json["gongUnreachable"]?.stringValue != nil)
        let used = during.json["requestsToday"]
        #expect(used == .integer(0), "requests that never left cost no budget: \(String(describing: used))")
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n").filter { $0.contains("Gong unreachable") }
        #expect(lines.count == 1, "one line for the outage, not one per recording and retry: \(lines)")

        // Started again and Gong is back on the same address: everything is delivered once,
        // the line goes.
        daemon = try Binary.start(["run", "--config", cli.config], environment: DeliveryHarness.environment(), log: log)
        let snapshot = try await GongSimulator.withRunning(port: down.port) { sim in
            try await waitUntil("all delivered after the outage") {
                await sim.state.snapshot().calls.values.filter { $0.mediaSHA256 != nil }.count == hashes.count
            }
            try await waitUntil("status forgets the outage") { try await !status(cli).text.contains("GONG UNREACHABLE") }
            return await sim.state.snapshot()
        }
        #expect(snapshot.exactlyOnceProblems(hashes).isEmpty, "\(snapshot.exactlyOnceProblems(hashes))")
        #expect(((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("Gong reachable again"))
        let after = try await status(cli).json
        #expect(
            after["requestsToday"] == .integer(Int64(snapshot.requests.count)),
            "the budget counts exactly what Gong saw: \(String(describing: after["requestsToday"]))")
        kill(daemon.processIdentifier, SIGTERM)
        await Binary.waitForExit(daemon)
    }

    @Test func anUnmountedSpoolIsSeenAndNothingIsLost() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("before", id: "pbx:before", audio: Fixtures.wav(seconds: 1, seed: 61))
        try await GongSimulator.withRunning { sim in
            let metrics = try QuietPort.free()
            let cli = OperatorCLI(h, config: try h.writeConfig(sim, metricsListen: "127.0.0.1:\(metrics)"))
            let daemon = try Binary.start(
                ["run", "--config", cli.config], environment: DeliveryHarness.environment(), log: h.work.file("daemon.log"))
            defer { kill(daemon.processIdentifier, SIGKILL) }
            _ = try await cli.waitFor("pbx:before", "done")
            // The share goes away (the directory is renamed: the mount point is empty or gone).
            let away = h.spool.path + ".away"
            try FileManager.default.moveItem(atPath: h.spool.path, toPath: away)
            try await waitUntil("status names the spool") { try await status(cli).text.contains("SPOOL NOT READABLE") }
            #expect(try await get("http://127.0.0.1:\(metrics)/healthz").1.contains("spool not readable"))
            #expect(try await cli.show("pbx:before")["state"] == .string("done"), "nothing delivered is touched")
            // Back, with a new recording: taken in, and the line goes.
            try FileManager.default.moveItem(atPath: away, toPath: h.spool.path)
            try h.spool.writeRecording("after", id: "pbx:after", audio: Fixtures.wav(seconds: 1, seed: 62))
            _ = try await cli.waitFor("pbx:after", "done")
            try await waitUntil("status forgets the spool problem") { try await !status(cli).text.contains("SPOOL NOT READABLE") }
            #expect(try await get("http://127.0.0.1:\(metrics)/healthz").1 == "ok\n")
            kill(daemon.processIdentifier, SIGTERM)
            await Binary.waitForExit(daemon)
        }
    }
}
