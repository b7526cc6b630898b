import Foundation
import GongSimulator
import GongSpoolCore
import GongSpoolDaemon
import TestSupport
import Testing

/// The ways "every recording in Gong exactly once, nothing lost" used to break (issue 11), each
/// tried through the real `gongspool` binary against the strict simulator, with real files:
/// what the operator sees is what `gongspool show --json` says, what Gong holds is the simulator's record.
@Suite struct ExactlyOnceHoleTests {
    static let user = "234599484848423"

    func exists(_ h: DeliveryHarness, _ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: h.spool.file(relative))
    }

    func sha(_ data: Data) -> String { Crypto.sha256Hex(data) }

    // MARK: 1. A duplicate answer to a create this recording never sent

    @Test func aCallThatAlreadyHasForeignMediaIsHeldAndFilesKept() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("h1", id: "pbx:h1", audio: Fixtures.wav(seed: 101))
        // The adoption that must keep working: a call with this id exists in Gong, without media.
        let adopted = Fixtures.wav(seed: 102)
        try h.spool.writeRecording("h1b", id: "pbx:h1b", audio: adopted)
        let foreign = Fixtures.wav(seconds: 2, seed: 999)
        try await GongSimulator.withRunning { sim in
            // Another PBX (same systemId) or a lost state database: Gong already has pbx:h1 with other audio.
            let theirs = await sim.state.seedCall(clientUniqueId: "pbx:h1", media: foreign)
            let empty = await sim.state.seedCall(clientUniqueId: "pbx:h1b", media: nil)
            let cli = OperatorCLI(h, config: try h.writeConfig(sim, spool: ["afterUpload: delete"]))
            #expect(try await cli.once().status == 0)
            let held = try await cli.show("pbx:h1")
            #expect(held["state"] == .string("held"), "\(held)")
            #expect(held["lastErrorCode"] == .string("foreign_media"))
            #expect(held["reason"]?.stringValue?.contains(theirs) == true, "the reason names the call: \(held)")
            #expect(exists(h, "h1.wav") && exists(h, "h1.json"), "files kept")
            let snapshot = await sim.state.snapshot()
            #expect(snapshot.calls[theirs]?.mediaSHA256 == sha(foreign), "Gong's call keeps its own media")
            // The empty call is adopted: its media upload is accepted, the recording delivered.
            #expect(try await cli.show("pbx:h1b")["state"] == .string("done"))
            #expect(snapshot.calls[empty]?.mediaSHA256 == sha(adopted))
            #expect(!exists(h, "h1b.wav"), "delivered: afterUpload deleted it")
            // An operator who checked the call in Gong accepts it; the files stay.
            let accepted = try await cli.run(["accept", "--config", cli.config, "pbx:h1"])
            #expect(accepted.status == 0, "\(accepted.output)")
            #expect(try await cli.show("pbx:h1")["state"] == .string("done"))
            #expect(exists(h, "h1.wav"))
        }
    }

    // MARK: 2. The same audio on another call

    @Test func theSameAudioOnAnotherCallIsHeldAndFilesKept() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let audio = Fixtures.wav(seed: 201)
        try h.spool.writeRecording("h2", id: "pbx:h2", audio: audio)
        try await GongSimulator.withRunning { sim in
            let other = await sim.state.seedCall(clientUniqueId: "elsewhere:1", media: audio)
            let cli = OperatorCLI(h, config: try h.writeConfig(sim, spool: ["afterUpload: delete"]))
            #expect(try await cli.once().status == 0)
            let row = try await cli.show("pbx:h2")
            #expect(row["state"] == .string("held"), "\(row)")
            #expect(row["lastErrorCode"] == .string("media_on_other_call"))
            #expect(row["reason"]?.stringValue?.contains(other) == true, "names call \(other): \(row)")
            #expect(exists(h, "h2.wav") && exists(h, "h2.json"), "files kept")
            let ours = await sim.state.snapshot().calls.values.first { $0.clientUniqueId == "pbx:h2" }
            #expect(ours != nil && ours?.mediaSHA256 == nil, "our call has no media")
        }
    }

    // MARK: 3. A file replaced while its upload is in flight; a directory swapped for a link

    @Test func aFileReplacedOrADirectorySwappedDuringTheUploadIsLeftAlone() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("d/h3", id: "pbx:h3", audio: Fixtures.wav(seed: 301))
        try h.spool.writeRecording("e/h3b", id: "pbx:h3b", audio: Fixtures.wav(seed: 302))
        let newer = Fixtures.wav(seconds: 2, seed: 303)
        let outside = h.work.file("outside")
        var options = SimulatorOptions()
        options.requestsPerSecond = 0
        options.latencyMilliseconds = 2000  // every answer comes 2 s after Gong stored the request
        let snapshot = try await GongSimulator.withRunning(options: options) { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim, spool: ["afterUpload: delete"]))
            async let run = cli.once(timeout: 240)
            // Once Gong holds each upload (its answer still on the way), the PBX acts. (The
            // deadline only ends a hung run: a loaded machine may take long to get there.)
            var replaced = false
            var swapped = false
            let deadline = Date().addingTimeInterval(180)
            while !(replaced && swapped) && Date() < deadline {
                let stored = await sim.state.snapshot().calls.values.filter { $0.mediaSHA256 != nil }.map(\.clientUniqueId)
                if !replaced, stored.contains("pbx:h3") {
                    // Re-recorded under the same name: a new inode renamed over the old one.
                    try h.spool.write("d/h3.wav.tmp", newer)
                    #expect(rename(h.spool.file("d/h3.wav.tmp"), h.spool.file("d/h3.wav")) == 0)
                    replaced = true
                }
                if !swapped, stored.contains("pbx:h3b") {
                    // The directory moves out of the spool and a link to it takes its place.
                    #expect(rename(h.spool.file("e"), outside) == 0)
                    #expect(symlink(outside, h.spool.file("e")) == 0)
                    swapped = true
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(replaced && swapped)
            #expect(try await run.status == 0)
            #expect(try await cli.show("pbx:h3")["state"] == .string("done"))
            #expect(try await cli.show("pbx:h3b")["state"] == .string("done"))
            return await sim.state.snapshot()
        }
        // The new recording is still there, with its sidecar, for intake; nothing outside the spool was touched.
        #expect(FileManager.default.contents(atPath: h.spool.file("d/h3.wav")) == newer)
        #expect(exists(h, "d/h3.json"))
        #expect(FileManager.default.fileExists(atPath: outside + "/h3b.wav"))
        #expect(FileManager.default.fileExists(atPath: outside + "/h3b.json"))
        #expect(snapshot.requests.filter { $0.method == "PUT" }.count == 2, "each uploaded once")
    }

    // MARK: 4. A recording that owns a call never goes back to being someone else

    @Test func aRecordingThatOwnsACallIsHeldWhenItsFilesChange() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("h4", id: "pbx:h4", audio: Fixtures.wav(seed: 401))
        var options = SimulatorOptions()
        options.requestsPerSecond = 0
        options.failedMediaUploads = 1
        let snapshot = try await GongSimulator.withRunning(options: options) { sim in
            // A backoff no loaded machine outruns: the operator's `retry` says when to try again.
            // And answers awaited as long as a loaded machine needs: the create must not time out
            // (it would wait with no call, not after the failed upload this test is about).
            let config = try h.writeConfig(
                sim, gong: ["readTimeoutSeconds: 120"], retry: ["initialBackoffSeconds: 3600", "maxBackoffSeconds: 3600"])
            let cli = OperatorCLI(h, config: config)
            try await cli.withDaemon {
                let waiting = try await cli.waitFor("pbx:h4", "waiting", seconds: 60)
                let callId = try #require(waiting["callId"]?.stringValue)
                // While it waits, the PBX rewrites the recording and its sidecar names another id.
                try h.spool.write("h4.wav.tmp", Fixtures.wav(seconds: 2, seed: 402))
                #expect(rename(h.spool.file("h4.wav.tmp"), h.spool.file("h4.wav")) == 0)
                try h.spool.write("h4.json", Fixtures.sidecarData(id: "pbx:h4-new"))
                #expect(try await cli.run(["retry", "--config", config, "pbx:h4"]).status == 0)
                let held = try await cli.waitFor("h4", "held", seconds: 60)
                #expect(held["lastErrorCode"] == .string("file_changed"), "\(held)")
                #expect(held["clientUniqueId"] == .string("pbx:h4"), "identity kept")
                #expect(held["reason"]?.stringValue?.contains(callId) == true)
                try await Task.sleep(for: .seconds(2))  // nothing more happens on its own
            }
            return await sim.state.snapshot()
        }
        #expect(snapshot.acceptedCreates == ["pbx:h4": 1], "no second call: \(snapshot.acceptedCreates)")
        #expect(snapshot.calls.values.allSatisfy { $0.mediaSHA256 == nil }, "no audio sent to the old call")
        #expect(exists(h, "h4.wav") && exists(h, "h4.json"))
    }

    @Test func aDirectoryThatCannotBeListedHidesNothingAndLosesNothing() async throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return }
        let h = try DeliveryHarness()
        defer { h.remove() }
        let audio = Fixtures.wav(seed: 411)
        try h.spool.write("x/h4b.wav", audio)  // its sidecar is not written yet: pending
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim, spool: ["fullRescanMinutes: 0"]))
            #expect(try await cli.once().status == 0)
            #expect(try await cli.show("x/h4b")["state"] == .string("pending"))
            // The folder cannot be opened for a while (permissions, a flaky mount): a full rescan sees nothing in it.
            chmod(h.spool.file("x"), 0)
            let blind = try await cli.run(["run", "--once", "--config", cli.config], dropFilePermissionOverride: true)
            chmod(h.spool.file("x"), 0o755)
            #expect(blind.status == 0, "\(blind.output)")
            #expect(blind.output.contains("cannot open directory"))
            #expect(try await cli.show("x/h4b")["state"] == .string("pending"), "not taken for gone")
            try h.spool.write("x/h4b.json", Fixtures.sidecarData(id: "pbx:h4b"))
            #expect(try await cli.once().status == 0)
            #expect(try await cli.show("pbx:h4b")["state"] == .string("done"))
            #expect(await sim.state.snapshot().calls.values.first?.mediaSHA256 == sha(audio))
        }
    }

    // MARK: 5. Waiting for the user mapping is not "truncated"

    @Test func aRecordingWaitingForItsUserMappingWaitsAndGoesOn() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let users = h.work.file("users.csv")  // not there yet
        try h.spool.write("in-204-5551234567-20261122-101500-1795342500.1.wav", Fixtures.wav(seed: 501))
        try await GongSimulator.withRunning { sim in
            let config = try h.writeConfig(
                sim, spool: ["orphanAfterMinutes: 0.02", "systemId: pbx-a", "timeZone: America/Chicago"],
                extra: "metadata:\n  preset: freepbx\nusers:\n  file: \(users)\n")
            let cli = OperatorCLI(h, config: config)
            #expect(try await cli.once().status == 0)
            try await Task.sleep(for: .seconds(2))  // past spool.orphanAfterMinutes
            #expect(try await cli.once().status == 0)
            let row = try await cli.show("in-204-5551234567-20261122-101500-1795342500.1")
            #expect(row["state"] == .string("pending"), "\(row)")
            #expect(row["lastErrorCode"] == .string("awaiting_users"))
            #expect(row["reason"]?.stringValue?.contains("users file") == true)
            _ = try h.work.write("users.csv", text: "identifier,userId\n204,\(Self.user)\n")
            #expect(try await cli.once().status == 0)
            #expect(try await cli.show("pbx-a:1795342500.1")["state"] == .string("done"))
        }
    }

    // MARK: 6. A failing after-upload step backs off and gives up

    @Test func aFailingAfterUploadStepGivesUpAndRunOnceEnds() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("h6", id: "pbx:h6", audio: Fixtures.wav(seed: 601))
        let archive = h.work.file("archive")
        if getuid() == 0 {
            _ = try h.work.write("archive", text: "a file where the archive should be")
        } else {
            try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true)
            chmod(archive, 0o555)
        }
        let snapshot = try await GongSimulator.withRunning { sim in
            let config = try h.writeConfig(
                sim, spool: ["afterUpload: archive", "archiveDirectory: \(archive)"],
                retry: ["initialBackoffSeconds: 0.05", "maxBackoffSeconds: 0.2", "giveUpAfterHours: 0.0005"])
            let cli = OperatorCLI(h, config: config)
            let run = try await cli.once(timeout: 30)
            #expect(run.status == 0, "run --once ends: \(run.output.suffix(2000))")
            let row = try await cli.show("pbx:h6")
            #expect(row["state"] == .string("held"), "\(row)")
            #expect(row["lastErrorCode"] == .string("after_upload_failed"))
            #expect((row["history"]?.arrayValue?.count ?? 0) < 60, "a bounded history, not a row every 30 s forever")
            return await sim.state.snapshot()
        }
        #expect(exists(h, "h6.wav") && exists(h, "h6.json"), "files kept")
        #expect(snapshot.requests.filter { $0.method == "PUT" }.count == 1, "media sent once")
    }

    // MARK: 7. prune --all never forgets an id whose files are still in the spool

    @Test func pruneAllKeepsTheIdsOfFilesStillInTheSpool() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("h7", id: "pbx:h7", audio: Fixtures.wav(seed: 701))
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim, spool: ["fullRescanMinutes: 0"]))
            #expect(try await cli.once().status == 0)
            #expect(try await cli.show("pbx:h7")["state"] == .string("done"))
            let requests = await sim.state.snapshot().requests.count
            try await Task.sleep(for: .milliseconds(50))
            let pruned = try await cli.run(["prune", "--config", cli.config, "--older-than", "0", "--all", "--yes"])
            #expect(pruned.status == 0, "\(pruned.output)")
            #expect(try await cli.once().status == 0)
            #expect(await sim.state.snapshot().requests.count == requests, "nothing sent again")
            #expect(try await cli.show("pbx:h7")["state"] == .string("done"), "the id still guards the files")
        }
    }

    // MARK: 8. A duplicate carries on when its original fails

    @Test func aDuplicateIsExaminedAgainWhenItsOriginalFails() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let audio = Fixtures.wav(seed: 801)
        // The first export names a user Gong does not have; the re-export (same audio, same id) is right.
        try h.spool.writeRecording("a/x", id: "pbx:h8", user: "7000000000000000999", audio: audio)
        try h.spool.writeRecording("b/x", id: "pbx:h8", audio: audio)
        var options = SimulatorOptions()
        options.users = [
            DirectoryUser(
                id: Self.user, emailAddress: "rep@example.com", phoneNumber: nil, phoneExtension: "204",
                name: "Rep", active: true, telephonyCallsImported: true)
        ]
        let snapshot = try await GongSimulator.withRunning(options: options) { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim, spool: ["afterUpload: delete"]))
            #expect(try await cli.once().status == 0)
            // Examined first (the usual order), the wrong export is rejected by Gong and its copy
            // carries on; on a loaded machine the right one may settle first and the wrong one is
            // then its duplicate — either way one call, with the audio.
            let first = try await cli.show("a/x")["state"]
            #expect(first == .string("rejected") || first == .string("duplicate"), "\(first ?? .null)")
            let copy = try await cli.show("b/x")
            #expect(copy["state"] == .string("done"), "\(copy)")
            return await sim.state.snapshot()
        }
        #expect(snapshot.acceptedCreates == ["pbx:h8": 1])
        #expect(snapshot.calls.values.first?.mediaSHA256 == sha(audio))
        #expect(exists(h, "a/x.wav") && !exists(h, "b/x.wav"), "the rejected export kept, the delivered one deleted")
    }
}
