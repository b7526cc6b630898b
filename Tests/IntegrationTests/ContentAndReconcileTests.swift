import AsyncHTTPClient
import Foundation
import GongSimulator
import GongSpoolCore
import GongSpoolDaemon
import GongSpoolHTTP
import GongSpoolSQLite
import Logging
import TestSupport
import Testing

/// Issue 15 through the real `gongspool` binary and the strict simulator: what Gong would not
/// keep costs no request (and `retry` sends it anyway), a cut recording waits for a person, a
/// silent side of a stereo call is given to no party, and a delivered call Gong stops listing is
/// found by `reconcile` and delivered again, once.
@Suite struct ContentAndReconcileTests {
    static let user = "234599484848423"

    func exists(_ h: DeliveryHarness, _ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: h.spool.file(relative))
    }

    /// Requests Gong saw that name `clientUniqueId` (creates) or its call (uploads).
    func requests(for clientUniqueId: String, in snapshot: SimulatorSnapshot) -> Int {
        let callIds = Set(snapshot.calls.values.filter { $0.clientUniqueId == clientUniqueId }.map(\.callId))
        let creates = snapshot.acceptedCreates[clientUniqueId] ?? 0
        return creates + snapshot.requests.filter { request in callIds.contains { request.path.contains($0) } }.count
    }

    @Test func shortSilentCutAndHalfSilentRecordingsCostOnlyWhatGongKeeps() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("short", id: "pbx:short", audio: Fixtures.wav(seconds: 10, seed: 1))
        try h.spool.writeRecording("silent", id: "pbx:silent", audio: Fixtures.wav(seconds: 60, seed: 2, amplitude: 0))
        try h.spool.write("cut.wav", Fixtures.wav(seconds: 12, seed: 3))
        try h.spool.write("cut.json", try Fixtures.sidecar(id: "pbx:cut", extra: ["duration": .integer(300)]).canonicalData())
        let parties: JSONValue = .array([
            .object(["userId": .string(Self.user), "name": .string("Rep"), "mediaChannelId": .integer(0)]),
            .object(["phoneNumber": .string("+14155550123"), "name": .string("Customer"), "mediaChannelId": .integer(1)]),
        ])
        // The rep speaks on the left; the customer's side (right) is silent.
        try h.spool.write("half.wav", Fixtures.wav(seconds: 40, channels: 2, seed: 4, silent: [1]))
        try h.spool.write("half.json", try Fixtures.sidecar(id: "pbx:half", extra: ["parties": parties]).canonicalData())
        try h.spool.writeRecording("long", id: "pbx:long", audio: Fixtures.wav(seconds: 45, seed: 5))
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim, spool: ["minDurationSeconds: 30", "afterUpload: delete"]))
            let onceRun = try await cli.once()
            #expect(onceRun.status == 0)

            let short = try await cli.show("short")
            #expect(short["state"] == .string("skipped") && short["lastErrorCode"] == .string("media_too_short"), "\(short)")
            #expect(short["reason"]?.stringValue?.contains("10 s, shorter than spool.minDurationSeconds 30 — Gong's import minimum") == true)
            let silent = try await cli.show("silent")
            #expect(silent["state"] == .string("skipped") && silent["lastErrorCode"] == .string("media_silent"), "\(silent)")
            #expect(silent["channelPeaksDb"]?.arrayValue?.map(\.doubleValue) == [AudioLevels.floorDb])
            let cut = try await cli.show("cut")
            #expect(cut["state"] == .string("held") && cut["lastErrorCode"] == .string("media_truncated"), "\(cut)")
            #expect(cut["reason"]?.stringValue?.contains("media is 12 s of a 300 s call") == true)
            for stem in ["short", "silent", "cut"] {
                #expect(exists(h, stem + ".wav") && exists(h, stem + ".json"), "\(stem): never deleted")
            }

            var snapshot = await sim.state.snapshot()
            for id in ["pbx:short", "pbx:silent", "pbx:cut"] {
                #expect(requests(for: id, in: snapshot) == 0, "Gong saw no request for \(id)")
            }
            // Gong's 3 requests/s may answer 429 on the way; those are retried and not counted.
            let answered = snapshot.requests.filter { $0.status != 429 }
            #expect(
                answered.count == 4, "two recordings, two requests each: \(answered.map { "\($0.path) \($0.status) \($0.at)" }) \(onceRun.output)")
            let half = try #require(snapshot.calls.values.first { $0.clientUniqueId == "pbx:half" })
            let sent = try #require(try JSONValue.parse(Data(half.body.utf8))["parties"]?.arrayValue)
            #expect(sent[0]["mediaChannelId"] == .integer(0), "the speaking rep keeps the channel")
            #expect(
                sent[1]["mediaChannelId"] == nil && sent[1]["phoneNumber"] == .string("+14155550123"), "the silent side is given no channel: \(sent)")
            #expect(half.mediaSHA256 != nil)
            let shown = try await cli.show("pbx:half")
            #expect(shown["silentChannels"] == .array([.integer(1)]), "\(shown)")

            // status: what was not spent.
            let status = try JSONValue.parse(Data(try await cli.run(["status", "--json", "--config", cli.config]).output.utf8))
            #expect(
                status["skippedToday"] == .object(["media_too_short": .integer(1), "media_silent": .integer(1), "excluded_by_policy": .integer(0)]),
                "\(status)")
            #expect(status["requestsSavedToday"] == .integer(4))
            let text = try await cli.run(["status", "--config", cli.config]).output
            #expect(text.contains("1 too short, 1 silent, 0 excluded by the privacy policy — 4 requests saved"), "\(text)")

            // The operator sends the short one anyway, and lets the cut one go as it is.
            #expect(try await cli.run(["retry", "--config", cli.config, "short"]).status == 0)
            #expect(try await cli.run(["retry", "--config", cli.config, "cut"]).status == 0)
            #expect(try await cli.once().status == 0)
            #expect(try await cli.show("pbx:short")["state"] == .string("done"))
            #expect(try await cli.show("pbx:cut")["state"] == .string("done"))
            snapshot = await sim.state.snapshot()
            #expect(snapshot.acceptedCreates["pbx:short"] == 1 && snapshot.acceptedCreates["pbx:cut"] == 1)
            #expect(snapshot.calls.values.filter { $0.clientUniqueId == "pbx:short" }.count == 1)
            #expect(snapshot.acceptedCreates["pbx:silent"] == nil)
        }
    }

    @Test func reconcileFindsACallGongNoLongerListsAndRetryDeliversItOnce() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let gone = Fixtures.wav(seconds: 2, seed: 11)
        try h.spool.writeRecording("kept", id: "pbx:kept", audio: Fixtures.wav(seconds: 2, seed: 10))
        try h.spool.writeRecording("gone", id: "pbx:gone", audio: gone)
        try h.spool.writeRecording("third", id: "pbx:third", audio: Fixtures.wav(seconds: 2, seed: 12))
        var options = SimulatorOptions()
        options.callsPageSize = 1  // every page boundary is crossed
        try await GongSimulator.withRunning(options: options) { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim))
            #expect(try await cli.once().status == 0)
            let delivered = try await cli.show("pbx:gone")
            #expect(delivered["state"] == .string("done"))
            let oldCall = try #require(delivered["callId"]?.stringValue)

            // A Gong admin deletes the call (or Gong lost it).
            await sim.state.removeCall(oldCall)
            let before = await sim.state.snapshot().requests.count
            let found = try await cli.run(["reconcile", "--config", cli.config, "--grace-hours", "0"])
            #expect(found.status == 1, "exit 1: something is missing\n\(found.output)")
            #expect(found.output.contains("3 delivered recordings checked, 2 listed by Gong, 1 missing"), "\(found.output)")
            #expect(found.output.contains("call \(oldCall)"), "\(found.output)")
            let listing = await sim.state.snapshot().requests.dropFirst(before).filter { $0.status != 429 }
            #expect(
                listing.count == 2 && listing.allSatisfy { $0.method == "GET" && $0.path == "/v2/calls" && $0.status == 200 },
                "two pages of one call each, nothing else: \(listing.map { "\($0.method) \($0.path) \($0.status)" })")

            let missing = try await cli.show("pbx:gone")
            #expect(missing["state"] == .string("missing") && missing["lastErrorCode"] == .string("missing_in_gong"), "\(missing)")
            #expect(try await cli.show("pbx:kept")["confirmedInGongAt"]?.stringValue != nil, "listed calls are confirmed")
            let list = try JSONValue.parse(Data(try await cli.run(["list", "--json", "--state", "missing", "--config", cli.config]).output.utf8))
            #expect(list.arrayValue?.map { $0["clientUniqueId"] } == [.string("pbx:gone")])
            let status = try await cli.run(["status", "--config", cli.config]).output
            #expect(status.contains("MISSING IN GONG:      1 delivered recordings"), "\(status)")
            #expect(status.contains("last reconciliation:"), "\(status)")

            // Confirmed calls are not asked about again: a second run checks only the missing one.
            let again = try await cli.run(["reconcile", "--config", cli.config, "--grace-hours", "0"])
            #expect(again.status == 1 && again.output.contains("1 delivered recordings checked, 0 listed by Gong, 1 missing"), "\(again.output)")

            // While Gong still remembers the deleted call's id, a retry proves nothing and is held.
            #expect(try await cli.run(["retry", "--config", cli.config, "pbx:gone"]).status == 0)
            #expect(try await cli.once().status == 0)
            let remembered = try await cli.show("pbx:gone")
            #expect(remembered["state"] == .string("held") && remembered["lastErrorCode"] == .string("missing_in_gong"), "\(remembered)")
            #expect(remembered["reason"]?.stringValue?.contains("Gong still answers with call \(oldCall)") == true, "\(remembered)")
            #expect(await sim.state.snapshot().calls.values.filter { $0.clientUniqueId == "pbx:gone" }.isEmpty, "nothing taken for delivered")

            // Hours later Gong has forgotten it: `retry` delivers it again, once.
            await sim.state.forgetDeletedCalls()
            #expect(try await cli.run(["retry", "--config", cli.config, "pbx:gone"]).status == 0)
            #expect(try await cli.once().status == 0)
            let redelivered = try await cli.show("pbx:gone")
            #expect(redelivered["state"] == .string("done"), "\(redelivered)")
            let newCall = try #require(redelivered["callId"]?.stringValue)
            #expect(newCall != oldCall)
            let snapshot = await sim.state.snapshot()
            let calls = snapshot.calls.values.filter { $0.clientUniqueId == "pbx:gone" }
            #expect(calls.count == 1 && calls.first?.mediaSHA256 == Crypto.sha256Hex(gone), "one call, with the audio")
            #expect(snapshot.acceptedCreates["pbx:gone"] == 2, "created once per delivery")
            #expect(snapshot.acceptedCreates["pbx:kept"] == 1 && snapshot.acceptedCreates["pbx:third"] == 1, "the others untouched")
            let done = try await cli.run(["reconcile", "--config", cli.config, "--grace-hours", "0"])
            #expect(done.status == 0 && done.output.contains("1 delivered recordings checked, 1 listed by Gong, 0 missing"), "\(done.output)")
        }
    }

    @Test func reconcileWithoutTheReadScopeSaysSoAndChangesNothing() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("a", id: "pbx:a", audio: Fixtures.wav(seconds: 2, seed: 20))
        var options = SimulatorOptions()
        options.callsForbidden = true
        options.requestsPerSecond = 100  // several commands in a row; the rate limit is tested elsewhere
        try await GongSimulator.withRunning(options: options) { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim))
            #expect(try await cli.once().status == 0)
            let refused = try await cli.run(["reconcile", "--config", cli.config, "--grace-hours", "0"])
            #expect(refused.status == 69, "\(refused.output)")
            #expect(refused.output.contains("api:calls:read:basic"), "\(refused.output)")
            #expect(try await cli.show("pbx:a")["state"] == .string("done"))
            // `check` says so before the first daily run, when reconciliation is configured.
            let configured = try h.writeConfig(sim, gong: ["reconcile: true"])
            let check = try await cli.run(["check", "--config", configured])
            #expect(
                check.status == 78 && check.output.contains("WRONG   gong.reconcile") && check.output.contains("api:calls:read:basic"),
                "\(check.output)")
            let plain = try await cli.run(["check", "--config", try h.writeConfig(sim)])
            #expect(plain.status == 0 && !plain.output.contains("gong.reconcile"), "no list asked for without reconciliation: \(plain.output)")
        }
    }

    /// The daily service on a manual clock: the first run at start, then one a day, each within
    /// its request cap; a key without the read scope is tried again a day later, not hourly.
    @Test(arguments: [false, true])
    func theDailyRunFindsMissingCallsWithinItsCap(forbidden: Bool) async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        for index in 0..<5 {
            try h.spool.writeRecording("d\(index)", id: "pbx:d\(index)", audio: Fixtures.wav(seconds: 1, seed: 30 + index))
        }
        var options = SimulatorOptions()
        options.callsPageSize = 2
        options.callsForbidden = forbidden
        // The gate waits on the manual clock (no real time passes): Gong's 3/s would answer 429s.
        options.requestsPerSecond = 1000
        let credentials = DeliveryHarness.credentials(options)
        try await GongSimulator.withRunning(options: options) { sim in
            #expect(try await h.runOnce(sim) == .drained)
            let store = try SQLiteStateStore.open(path: h.database)
            let removed = try #require(try await store.find("pbx:d3")?.callId)
            await sim.state.removeCall(removed)
            // Seven hours later (past the grace for Gong's processing).
            let clock = ManualWallClock(Date().addingTimeInterval(7 * 3600))
            let config = h.configuration(sim)
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: GongClient.httpConfiguration(config.gong))
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let client = GongClient(
                http: http, endpoint: try GongEndpoint(baseURL: config.gong.baseURL), credentials: credentials,
                settings: config.gong, logger: logger)
            let gate = RequestGate(settings: config.gong, store: store, clock: clock, logger: logger)
            let reconciler = Reconciler(client: client, gate: gate, store: store, clock: clock, logger: logger)
            let before = await sim.state.snapshot().requests.count
            let service = Task { try await ReconcileService(reconciler: reconciler, maxRequests: 10).run() }
            let started = clock.now()
            // Let it live two virtual days.
            while clock.now().timeIntervalSince(started) < 2 * 86_400 + 7200 {
                try await Task.sleep(for: .milliseconds(5))
            }
            service.cancel()
            _ = await service.result
            try await http.shutdown()
            // The clock jumps to each sleep's end at once: the run of the last day may or may not have happened.
            let days = Int(clock.now().timeIntervalSince(started) / 86_400)
            let summary = try await store.meta(.lastReconciliation) ?? ""
            let listings = await sim.state.snapshot().requests.dropFirst(before).filter { $0.method == "GET" && $0.status != 429 }
            if forbidden {
                #expect(summary.contains("failed") && summary.contains("api:calls:read:basic"), "\(summary)")
                #expect(listings.count >= days && listings.count <= days + 1, "once a day, not hourly: \(listings.count) in \(days) days")
                #expect(try await store.find("pbx:d3")?.state == .done, "nothing judged without a list")
            } else {
                #expect(try await store.find("pbx:d3")?.state == .missing)
                for index in [0, 1, 2, 4] { #expect(try await store.find("pbx:d\(index)")?.confirmedAt != nil) }
                // Day one lists the four calls in pages of 2; the next days ask only about the missing
                // one (still not listed) — its window holds the others too, so 2 pages a day.
                #expect(listings.count >= 2 * days && listings.count <= 2 * (days + 1), "\(listings.count) in \(days) days")
                #expect(summary.contains("1 delivered recordings checked, 0 listed by Gong, 1 missing"), "the last day's run: \(summary)")
            }
        }
    }

    @Test func theDaemonReconcilesWhenConfiguredTo() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim, gong: ["reconcile: true"]))
            let check = try await cli.run(["check", "--config", cli.config])
            #expect(check.status == 0 && check.output.contains("ok      gong.reconcile: the key may list calls"), "\(check.output)")
            let daemon = try Binary.start(
                ["run", "--config", cli.config], environment: DeliveryHarness.environment(), log: h.work.file("daemon.log"))
            defer { kill(daemon.processIdentifier, SIGKILL) }
            var status = ""
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline, !status.contains("last reconciliation:") {
                try await Task.sleep(for: .milliseconds(100))
                status = try await cli.run(["status", "--config", cli.config]).output
            }
            #expect(status.contains("last reconciliation:") && status.contains("delivered recordings checked"), "\(status)")
            kill(daemon.processIdentifier, SIGTERM)
            await Binary.waitForExit(daemon)
            #expect(daemon.terminationStatus == 0)
        }
    }
}
