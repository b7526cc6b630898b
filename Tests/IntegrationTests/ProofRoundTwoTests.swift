import Foundation
import GongSimulator
import GongSpoolCore
import GongSpoolDaemon
import TestSupport
import Testing

/// The holes of issue 21, each tried through the real `gongspool` binary against the strict
/// simulator with real files: Gong's answers prove only the bytes a request carried, one call
/// per audio, a system id that never changes, a 415 or a deleted call that stop one recording
/// and not the queue, reconciliation that trusts only Gong's own "no calls".
@Suite struct ProofRoundTwoTests {
    func exists(_ h: DeliveryHarness, _ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: h.spool.file(relative))
    }

    // MARK: 1. An upload in doubt proves only the bytes it carried

    @Test func anUploadInDoubtOfTheOldBytesIsNoProofForTheRewrittenFile() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let first = Fixtures.wav(seed: 2101)
        let rewritten = Fixtures.wav(seconds: 2, seed: 2102)
        try h.spool.writeRecording("r1", id: "pbx:r1", audio: first)
        var options = SimulatorOptions()
        options.requestsPerSecond = 0
        options.lostMediaAnswers = 1  // Gong stores version A; its answer never arrives
        let snapshot = try await GongSimulator.withRunning(options: options) { sim in
            // A backoff no loaded machine outruns: the operator's `retry` says when the upload is
            // tried again (a 4 s backoff raced the rewrite on a loaded machine).
            let config = try h.writeConfig(sim, spool: ["afterUpload: delete"], retry: ["initialBackoffSeconds: 3600", "maxBackoffSeconds: 3600"])
            let cli = OperatorCLI(h, config: config)
            try await cli.withDaemon {
                let waiting = try await cli.waitFor("pbx:r1", "waiting", seconds: 60)
                let callId = try #require(waiting["callId"]?.stringValue)
                // The PBX rewrites the recording before the upload is tried again.
                try h.spool.write("r1.wav.tmp", rewritten)
                #expect(rename(h.spool.file("r1.wav.tmp"), h.spool.file("r1.wav")) == 0)
                #expect(try await cli.run(["retry", "--config", config, "pbx:r1"]).status == 0)
                let changed = try await cli.waitFor("pbx:r1", "held", seconds: 60)
                #expect(changed["lastErrorCode"] == .string("file_changed"), "\(changed)")
                // The remedy says retry; Gong then answers "already handled" — about version A.
                #expect(try await cli.run(["retry", "--config", config, "pbx:r1"]).status == 0)
                let held = try await cli.waitFor("pbx:r1", "held", code: "earlier_version_in_gong", seconds: 60)
                #expect(held["lastErrorCode"] == .string("earlier_version_in_gong"), "\(held)")
                #expect(held["reason"]?.stringValue?.contains("call \(callId)") == true, "\(held)")
            }
            return await sim.state.snapshot()
        }
        #expect(FileManager.default.contents(atPath: h.spool.file("r1.wav")) == rewritten, "the rewritten audio is kept")
        #expect(exists(h, "r1.json"))
        #expect(snapshot.calls.values.map(\.mediaSHA256) == [Crypto.sha256Hex(first)], "Gong holds version A")
    }

    // MARK: 2 and 9. The same audio under a new clientUniqueId; rows found by the id their files give

    @Test func theSameAudioUnderAnotherIdIsADuplicateBeforeAnyRequest() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let audio = Fixtures.wav(seed: 2103)
        try h.spool.writeRecording("a/call", id: "pbx:first", audio: audio)
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim))
            #expect(try await cli.once().status == 0)
            #expect(try await cli.show("pbx:first")["state"] == .string("done"))
            let before = await sim.state.snapshot().requests.count
            // A re-export under a new name derives another id for the same audio.
            try h.spool.writeRecording("b/call-again", id: "pbx:second", audio: audio)
            #expect(try await cli.once().status == 0)
            // Found by the id its files give, although it never owned it.
            let copy = try await cli.show("pbx:second")
            #expect(copy["state"] == .string("duplicate") && copy["lastErrorCode"] == .string("same_audio"), "\(copy)")
            #expect(copy["reason"]?.stringValue?.contains("pbx:first") == true, "\(copy)")
            #expect(copy["filesClientUniqueId"] == .string("pbx:second"))
            #expect(await sim.state.snapshot().requests.count == before, "no request spent")
            #expect(await sim.state.snapshot().acceptedCreates == ["pbx:first": 1], "no second, empty call")
            let list = try await cli.run(["list", "--config", cli.config]).output
            #expect(list.contains("pbx:second "), "ids printed whole: \(list)")
        }
    }

    @Test func aRecordingSkippedBeforeItsIdIsClaimedIsFoundByIt() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("short", id: "pbx-acme-01:1754121674.3", audio: Fixtures.wav(seconds: 1, seed: 2104))
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim, spool: ["minDurationSeconds: 5"]))
            #expect(try await cli.once().status == 0)
            let skipped = try await cli.show("pbx-acme-01:1754121674.3")
            #expect(skipped["state"] == .string("skipped") && skipped["lastErrorCode"] == .string("media_too_short"), "\(skipped)")
            // The reason says `gongspool retry ID` sends it anyway: it does.
            let retried = try await cli.run(["retry", "--config", cli.config, "pbx-acme-01:1754121674.3"])
            #expect(retried.status == 0, "\(retried.output)")
            #expect(try await cli.once().status == 0)
            #expect(try await cli.show("pbx-acme-01:1754121674.3")["state"] == .string("done"))
        }
    }

    // MARK: 3. A system id that never changes

    @Test func theSystemIdIsChosenOnceAndKeptInTheState() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let users = try h.work.write("users.csv", text: "identifier,userId\n204,234599484848423\n")
        try h.spool.write("in-204-5551234567-20261122-101500-1795342500.1.wav", Fixtures.wav(seed: 2105))
        try await GongSimulator.withRunning { sim in
            let config = try h.writeConfig(
                sim, spool: ["timeZone: America/Chicago"], extra: "metadata:\n  preset: freepbx\nusers:\n  file: \(users)\n")
            let cli = OperatorCLI(h, config: config)
            let before = try await cli.run(["check", "--offline", "--config", config]).output
            #expect(before.contains("spool.systemId: not set"), "\(before)")
            #expect(try await cli.once().status == 0)
            let status = try await cli.run(["status", "--json", "--config", config]).output
            let systemId = try #require(try JSONValue.parse(Data(status.utf8))["systemId"]?.stringValue, "\(status)")
            let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? ""
            #expect(systemId.hasPrefix("pbx-") && systemId != host, "not the host name: \(systemId)")
            #expect(try await cli.show("\(systemId):1795342500.1")["state"] == .string("done"))
            let shown = try await cli.run(["config", "--config", config]).output
            #expect(shown.contains("systemId: \"\(systemId)\"") || shown.contains("systemId: \(systemId)"), "\(shown)")
            #expect(shown.contains("from the state"), "\(shown)")
            // The next start reads it back, whatever the machine: the next recording uses it too.
            try h.spool.write("in-204-5551234567-20261122-111500-1795346100.2.wav", Fixtures.wav(seed: 2106))
            #expect(try await cli.once().status == 0)
            #expect(try await cli.show("\(systemId):1795346100.2")["state"] == .string("done"))
            let after = try await cli.run(["check", "--offline", "--config", config]).output
            #expect(after.contains("set spool.systemId: \(systemId)") || after.contains("Set spool.systemId: \(systemId)"), "\(after)")
        }
    }

    // MARK: 6. A 415 is one recording's problem

    @Test func aFourFifteenHoldsOneRecordingAndTheQueueGoesOn() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("odd", id: "pbx:odd", audio: Fixtures.flac(seed: 2107), ext: "flac")
        try h.spool.writeRecording("fine", id: "pbx:fine", audio: Fixtures.wav(seed: 2108))
        var options = SimulatorOptions()
        options.refusedMediaKinds = ["flac"]
        try await GongSimulator.withRunning(options: options) { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim, spool: ["afterUpload: delete"]))
            let run = try await cli.once()
            #expect(run.status == 0, "not halted: \(run.output.suffix(1500))")
            let odd = try await cli.show("pbx:odd")
            #expect(odd["state"] == .string("held") && odd["lastErrorCode"] == .string("media_type_refused"), "\(odd)")
            #expect(exists(h, "odd.flac") && exists(h, "odd.json"), "files kept")
            #expect(try await cli.show("pbx:fine")["state"] == .string("done"))
        }
    }

    @Test func fourFifteensOnTwoRecordingsInARowHaltSending() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("one", id: "pbx:one", audio: Fixtures.flac(seed: 2109), ext: "flac")
        try h.spool.writeRecording("two", id: "pbx:two", audio: Fixtures.flac(seed: 2110), ext: "flac")
        var options = SimulatorOptions()
        options.refusedMediaKinds = ["flac"]
        try await GongSimulator.withRunning(options: options) { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim))
            let run = try await cli.once()
            #expect(run.status == 75, "halted: \(run.output.suffix(1500))")
            let codes = Set([try await cli.show("pbx:one"), try await cli.show("pbx:two")].compactMap { $0["lastErrorCode"]?.stringValue })
            #expect(codes == ["media_type_refused", "endpoint_misconfigured"], "\(codes)")
        }
    }

    // MARK: 7. A deleted call holds instead of looping

    @Test func aCallDeletedInGongIsMarkedGoneAtTheFirst404() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("r7", id: "pbx:r7", audio: Fixtures.wav(seed: 2111))
        var options = SimulatorOptions()
        options.requestsPerSecond = 0
        options.failedMediaUploads = 1
        let snapshot = try await GongSimulator.withRunning(options: options) { sim in
            // A backoff no loaded machine outruns; the operator's `retry` says when (a short backoff
            // raced the test's own `show` on CI and the upload succeeded before the call was removed).
            let config = try h.writeConfig(sim, retry: ["initialBackoffSeconds: 3600", "maxBackoffSeconds: 3600"])
            let cli = OperatorCLI(h, config: config)
            try await cli.withDaemon {
                let waiting = try await cli.waitFor("pbx:r7", "waiting")
                let callId = try #require(waiting["callId"]?.stringValue)
                // A Gong admin deletes the call before the upload is tried again.
                await sim.state.removeCall(callId)
                #expect(try await cli.run(["retry", "pbx:r7", "--config", config]).status == 0)
                // The PUT's 404 sends it back to ask Gong for the call of its clientUniqueId.
                let asking = try await cli.waitFor("pbx:r7", "waiting", code: "unknown_call", seconds: 60)
                #expect(asking["phase"] == .string("create"), "\(asking)")
                #expect(try await cli.run(["retry", "pbx:r7", "--config", config]).status == 0)
                let held = try await cli.waitFor("pbx:r7", "held", seconds: 60)
                #expect(held["lastErrorCode"] == .string("missing_in_gong"), "\(held)")
                #expect(held["reason"]?.stringValue?.contains(callId) == true, "\(held)")
                let settled = await sim.state.snapshot().requests.count
                try await Task.sleep(for: .seconds(2))  // a held recording is not tried again: nothing loops
                #expect(await sim.state.snapshot().requests.count == settled)
            }
            return await sim.state.snapshot()
        }
        let puts = snapshot.requests.filter { $0.method == "PUT" }.map(\.status)
        let posts = snapshot.requests.filter { $0.method == "POST" }.map(\.status)
        #expect(puts == [503, 404] && posts == [200, 400], "one 404, one re-create, no loop: PUT \(puts), POST \(posts)")
    }

    // MARK: 8. Reconciliation trusts only Gong's own "no calls"

    @Test func anHTML404FromTheEdgeMarksNothingMissing() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("r8", id: "pbx:r8", audio: Fixtures.wav(seed: 2112))
        var options = SimulatorOptions()
        options.edgeAnswers = [EdgeAnswer(method: "GET", pathPrefix: "/v2/calls", status: 404)]
        try await GongSimulator.withRunning(options: options) { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim))
            #expect(try await cli.once().status == 0)
            let edge = try await cli.run(["reconcile", "--config", cli.config, "--grace-hours", "0"])
            #expect(edge.status == 69, "the list could not be read: \(edge.output)")
            #expect(edge.output.contains("404"), "\(edge.output)")
            #expect(try await cli.show("pbx:r8")["state"] == .string("done"), "nothing judged")
            let real = try await cli.run(["reconcile", "--config", cli.config, "--grace-hours", "0"])
            #expect(real.status == 0 && real.output.contains("1 listed by Gong, 0 missing"), "\(real.output)")
        }
    }

    // MARK: The simulator is not the daemon's own

    @Test func aBrokenValidatorIsCaughtByTheSimulatorsOwnCheck() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.write("bad.wav", Fixtures.wav(seed: 2113))
        try h.spool.write("bad.json", try Fixtures.sidecar(id: "pbx:bad", direction: "Sideways").canonicalData())
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim))
            // The real validator refuses it before any request.
            #expect(try await cli.once().status == 0)
            let local = try await cli.show("bad")
            #expect(local["state"] == .string("rejected") && local["lastErrorCode"] == .string("invalid_request"), "\(local)")
            #expect(await sim.state.snapshot().requests.isEmpty)
            // A validator broken on purpose lets it through: the simulator's own check refuses it.
            let forgot = try await cli.run(["forget", "--config", cli.config, "bad", "--yes"])
            #expect(forgot.status == 0, "\(forgot.output)")
            // Exported again (the folder changes, so intake lists it again).
            try FileManager.default.removeItem(atPath: h.spool.file("bad.json"))
            try h.spool.write("bad.json", try Fixtures.sidecar(id: "pbx:bad", direction: "Sideways").canonicalData())
            var environment = DeliveryHarness.environment()
            environment["GONGSPOOL_TEST_VALIDATOR_MUTATION"] = "accept-all"
            let mutated = try await cli.run(["run", "--once", "--config", cli.config], timeout: 120, environment: environment)
            #expect(mutated.status == 0, "\(mutated.output.suffix(2000))")
            let sent = try await cli.show("bad")
            #expect(sent["state"] == .string("rejected") && sent["lastErrorCode"] == .string("http_400"), "\(sent)")
            #expect(sent["reason"]?.stringValue?.contains("direction must be one of") == true, "\(sent)")
            #expect(await sim.state.snapshot().invalidRequests == 1)
        }
    }

    @Test func edgeAnswersAreRetriedAndTheRecordingDelivered() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("e", id: "pbx:e", audio: Fixtures.wav(seed: 2114))
        var options = SimulatorOptions()
        options.edgeAnswers = [
            EdgeAnswer(method: "POST", pathPrefix: "/v2/calls", status: 502),
            EdgeAnswer(method: "POST", pathPrefix: "/v2/calls", status: 503, html: false),
            EdgeAnswer(method: "PUT", pathPrefix: "/v2/calls/", status: 504),
        ]
        try await GongSimulator.withRunning(options: options) { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim))
            #expect(try await cli.once().status == 0)
            let row = try await cli.show("pbx:e")
            #expect(row["state"] == .string("done"), "\(row)")
            let codes = row["history"]?.arrayValue?.compactMap { $0["errorCode"]?.stringValue } ?? []
            #expect(codes.contains("http_502") && codes.contains("http_503") && codes.contains("http_504"), "\(codes)")
            #expect(await sim.state.snapshot().acceptedCreates == ["pbx:e": 1])
        }
    }
}
