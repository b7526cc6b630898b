import Foundation
import GongSimulator
import GongSpoolCore
import TestSupport
import Testing

/// Issue 24's never-send list, through the real binary and the strict simulator: numbers in any
/// format and an extension are never sent, end `skipped` with the rule named, and stay so on
/// `retry`; `validate` names the rule; `status` counts them; their files stay or go as
/// `privacy.excludedFiles` says.
@Suite struct PrivacyTests {
    static func sidecar(_ id: String, other: String) -> Data {
        Fixtures.sidecarData(
            id: id,
            extra: [
                "parties": .array([
                    .object(["userId": .string("234599484848423"), "name": .string("Rep")]),
                    .object(["phoneNumber": .string(other), "name": .string("Customer")]),
                ])
            ])
    }

    /// A recording `stem` (audio and a Gong sidecar) whose other party is `other`.
    static func writeCall(_ h: DeliveryHarness, _ stem: String, other: String, seed: Int) throws {
        try h.spool.write("\(stem).wav", Fixtures.wav(seed: seed))
        try h.spool.write("\(stem).json", sidecar("pbx:\(stem)", other: other))
    }

    @Test func excludedNumbersInEveryFormatAreNeverSentAndTheRuleIsNamed() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let parties = [
            "formatted": "+1 (555) 123-0000", "digits": "15551230000", "e164": "+15551230000", "national": "555.123.0000",
            "customer": "+1 415 555 0199",
        ]
        for (stem, number) in parties { try Self.writeCall(h, stem, other: number, seed: 2400 + stem.count) }
        let privacy = "privacy:\n  neverSend:\n    numbers: [\"+1 555 123 0000\"]\n  countryCode: \"1\"\n"
        let snapshot = try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim, extra: privacy))
            let validate = try await cli.run(["validate", "--config", cli.config, h.spool.file("national.wav")])
            #expect(validate.status != 0, "\(validate.output)")
            #expect(
                validate.output.contains("excluded_by_policy") && validate.output.contains("privacy.neverSend.numbers \"+1 555 123 0000\""),
                "\(validate.output)")
            #expect(try await cli.once().status == 0)
            for stem in ["formatted", "digits", "e164", "national"] {
                let row = try await cli.show(stem)
                #expect(row["state"] == .string("skipped") && row["lastErrorCode"] == .string("excluded_by_policy"), "\(stem): \(row)")
                #expect(row["reason"]?.stringValue?.contains("privacy.neverSend.numbers \"+1 555 123 0000\"") == true, "\(row)")
                #expect(FileManager.default.fileExists(atPath: h.spool.file("\(stem).wav")), "kept: privacy.excludedFiles defaults to keep")
            }
            #expect(try await cli.show("pbx:customer")["state"] == .string("done"))
            // `retry` does not override the policy: examined again, excluded again, not sent.
            #expect(try await cli.run(["retry", "--config", cli.config, "e164"]).status == 0)
            #expect(try await cli.once().status == 0)
            #expect(try await cli.show("e164")["lastErrorCode"] == .string("excluded_by_policy"))
            let status = try await cli.run(["status", "--config", cli.config])
            #expect(status.output.contains("excluded by the privacy policy"), "\(status.output)")
            let json = try JSONValue.parse(Data(try await cli.run(["status", "--json", "--config", cli.config]).output.utf8))
            #expect((json["skippedToday"]?["excluded_by_policy"]?.doubleValue ?? 0) >= 4, "\(json)")
            return await sim.state.snapshot()
        }
        #expect(snapshot.acceptedCreates == ["pbx:customer": 1], "\(snapshot.acceptedCreates)")
        #expect(!snapshot.calls.values.contains { $0.body.contains("1230000") }, "no excluded number reached Gong")
    }

    @Test func anExcludedExtensionIsNeverSentAndItsFilesCanBeDeleted() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        // FreePBX names: the rep's extension is in the file name; 205 is HR's line.
        let hr = "in-205-5551234567-20261122-101500-1795342500.1"
        let sales = "in-204-5551234567-20261122-101600-1795342560.2"
        try h.spool.write("\(hr).wav", Fixtures.wav(seed: 2410))
        try h.spool.write("\(sales).wav", Fixtures.wav(seed: 2411))
        // A link to the excluded audio elsewhere is not followed.
        let outside = try TemporaryDirectory("outside")
        defer { outside.remove() }
        let mapping = """
            metadata:
              preset: freepbx
            users:
              table: {"204": "7000000000000000204", "205": "7000000000000000205"}
            privacy:
              neverSend:
                extensions: ["205"]
              excludedFiles: delete
            """
        let snapshot = try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim, spool: ["systemId: pbx-a"], extra: mapping))
            #expect(try await cli.once().status == 0)
            let row = try await cli.show(hr)
            #expect(row["state"] == .string("skipped") && row["lastErrorCode"] == .string("excluded_by_policy"), "\(row)")
            #expect(row["reason"]?.stringValue?.contains("privacy.neverSend.extensions \"205\"") == true, "\(row)")
            #expect(!FileManager.default.fileExists(atPath: h.spool.file("\(hr).wav")), "deleted: privacy.excludedFiles: delete")
            #expect(try await cli.show("pbx-a:1795342560.2")["state"] == .string("done"))
            #expect(FileManager.default.fileExists(atPath: h.spool.file("\(sales).wav")), "a delivered recording's files follow afterUpload (keep)")
            // An excluded recording whose file is a link: the link is never followed.
            let target = outside.file("hr-copy.wav")
            try Fixtures.wav(seed: 2412).write(to: URL(fileURLWithPath: target))
            #expect(symlink(target, h.spool.file("in-205-5551234567-20261122-101700-1795342620.3.wav")) == 0)
            #expect(try await cli.once().status == 0)
            #expect(FileManager.default.fileExists(atPath: target), "the file behind a link is never deleted")
            return await sim.state.snapshot()
        }
        #expect(snapshot.acceptedCreates.keys.sorted() == ["pbx-a:1795342560.2"], "\(snapshot.acceptedCreates)")
    }
}

/// `archive.retentionDays` and `state.historyDays` through the real daemon: only old archived
/// files of `done` recordings go, never a stray file or one behind a link; `status` shows the
/// archive; old history is pruned.
@Suite struct RetentionTests {
    @Test func theArchiveKeepsOnlyWhatTheRetentionAllows() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let archive = h.work.file("archive")
        let outside = try TemporaryDirectory("outside")
        defer { outside.remove() }
        try h.spool.writeRecording("2026/10/old", id: "pbx:old", audio: Fixtures.wav(seed: 2420))
        try h.spool.writeRecording("2026/10/new", id: "pbx:new", audio: Fixtures.wav(seed: 2421))
        try await GongSimulator.withRunning { sim in
            let config = try h.writeConfig(
                sim, spool: ["afterUpload: archive", "archiveDirectory: \(archive)"], extra: "archive:\n  retentionDays: 30\n")
            let cli = OperatorCLI(h, config: config)
            #expect(try await cli.once().status == 0)
            #expect(FileManager.default.fileExists(atPath: archive + "/2026/10/old.wav"))
            // The old recording was made 60 days ago; a stray file as old has no recording; a link
            // points out of the archive at an old file.
            let sixtyDaysAgo = Date().addingTimeInterval(-60 * 86_400)
            for file in ["2026/10/old.wav", "2026/10/old.json"] {
                try FileManager.default.setAttributes([.modificationDate: sixtyDaysAgo], ofItemAtPath: archive + "/" + file)
            }
            try Fixtures.wav(seed: 2422).write(to: URL(fileURLWithPath: archive + "/2026/10/stray.wav"))
            try FileManager.default.setAttributes([.modificationDate: sixtyDaysAgo], ofItemAtPath: archive + "/2026/10/stray.wav")
            let target = outside.file("elsewhere.wav")
            try Fixtures.wav(seed: 2423).write(to: URL(fileURLWithPath: target))
            try FileManager.default.setAttributes([.modificationDate: sixtyDaysAgo], ofItemAtPath: target)
            #expect(symlink(target, archive + "/2026/10/link.wav") == 0)
            try await cli.withDaemon {
                for _ in 0..<600 where FileManager.default.fileExists(atPath: archive + "/2026/10/old.wav") {
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(!FileManager.default.fileExists(atPath: archive + "/2026/10/old.wav"), "past the retention: deleted")
                #expect(!FileManager.default.fileExists(atPath: archive + "/2026/10/old.json"))
                #expect(FileManager.default.fileExists(atPath: archive + "/2026/10/new.wav"), "within the retention: kept")
                #expect(FileManager.default.fileExists(atPath: archive + "/2026/10/stray.wav"), "no done recording names it: kept")
                #expect(FileManager.default.fileExists(atPath: target), "a link is never followed")
                let status = try await cli.run(["status", "--config", config])
                #expect(status.output.contains("archive:              3 files, ") && status.output.contains("(kept 30 days;"), "\(status.output)")
            }
            // The recording itself stays known (done), only its archived files went.
            #expect(try await cli.show("pbx:old")["state"] == .string("done"))
        }
    }

    @Test func historyDaysNeedsNoDaysOnTheCommandLineAndTheRetentionNeedsAnArchive() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim, state: ["historyDays: 90"]))
            let pruned = try await cli.run(["prune", "--config", cli.config])
            #expect(pruned.status == 0 && pruned.output.contains("pruned 0 history lines"), "\(pruned.output)")
            let bare = OperatorCLI(h, config: try h.writeConfig(sim))
            let refused = try await bare.run(["prune", "--config", bare.config])
            #expect(refused.status != 0 && refused.output.contains("state.historyDays"), "\(refused.output)")
            let keep = OperatorCLI(h, config: try h.writeConfig(sim, extra: "archive:\n  retentionDays: 30\n"))
            let check = try await keep.run(["check", "--offline", "--config", keep.config])
            #expect(check.status == 78 && check.output.contains("retentionDays applies to spool.afterUpload: archive"), "\(check.output)")
        }
    }
}

/// `gongspool report` through the real binary: one row per recording of the period with its
/// state, Gong's call id and URL, excluded ones marked; `--phone` and `--user` find one call.
@Suite struct ReportTests {
    @Test func theReportHasOneRowPerRecordingWithTheRightStates() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try PrivacyTests.writeCall(h, "sent", other: "+1 (555) 777-0001", seed: 2430)
        try PrivacyTests.writeCall(h, "other", other: "+1 555 777 0002", seed: 2431)
        try PrivacyTests.writeCall(h, "private", other: "+1 555 777 0003", seed: 2432)
        try h.spool.write("broken.wav", Fixtures.wav(seed: 2433))
        try h.spool.write("broken.json", Data("{\"clientUniqueId\": 12".utf8))
        let privacy = "privacy:\n  neverSend:\n    numbers: [\"+15557770003\"]\n"
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim, extra: privacy))
            #expect(try await cli.once().status == 0)
            let csv = try await cli.run(["report", "--config", cli.config, "--since", "2026-01-01"])
            #expect(csv.status == 0, "\(csv.output)")
            let lines = csv.output.split(separator: "\n").map(String.init)
            #expect(lines.first == DeliveryReport.columns.joined(separator: ","))
            #expect(lines.count == 5, "one row per recording: \(csv.output)")
            let sent = try #require(lines.first { $0.hasPrefix("pbx:sent,") })
            #expect(sent.contains(",2026-11-20T10:00:00Z,Inbound,234599484848423,done,,") && sent.contains("https://"), "\(sent)")
            #expect(lines.contains { $0.contains(",skipped,excluded_by_policy,") && $0.contains(",yes,no,private.wav") }, "\(csv.output)")
            #expect(lines.contains { $0.contains(",rejected,invalid_request,") }, "\(csv.output)")
            // The call of one number, in any formatting; the calls of one user; a period with none.
            let one = try await cli.run(["report", "--config", cli.config, "--since", "2026-11-20", "--phone", "15557770001", "--format", "json"])
            let rows = try JSONValue.parse(Data(one.output.utf8)).arrayValue ?? []
            #expect(
                rows.count == 1 && rows.first?["clientUniqueId"] == .string("pbx:sent") && rows.first?["excluded"] == .bool(false), "\(one.output)")
            let user = try await cli.run(["report", "--config", cli.config, "--since", "2026-11-01", "--user", "234599484848423", "--format", "json"])
            #expect((try JSONValue.parse(Data(user.output.utf8)).arrayValue ?? []).count == 2, "\(user.output)")
            let none = try await cli.run(["report", "--config", cli.config, "--since", "2026-11-21", "--until", "2026-11-22", "--format", "json"])
            #expect(try JSONValue.parse(Data(none.output.utf8)).arrayValue?.isEmpty == true, "\(none.output)")
            let bad = try await cli.run(["report", "--config", cli.config, "--since", "March"])
            #expect(bad.status != 0 && bad.output.contains("--since"), "\(bad.output)")
        }
    }
}

/// The simulator's data-privacy endpoints, over real HTTP: erasing a number or an address
/// deletes Gong's calls with it (in any formatting Gong matches), is remembered, needs the
/// `+` and country code, and a key without the scope gets 403.
@Suite struct SimulatorPrivacyTests {
    /// `curl` against the simulator with its credentials: the status and the body.
    static func send(_ h: DeliveryHarness, _ sim: GongSimulator, _ method: String, _ pathAndQuery: String) async throws -> (Int, String) {
        let result = try await OperatorCLI(h, config: "").tool(
            "/usr/bin/curl", ["-sS", "-X", method, "-u", "simulator-key:simulator-secret", "-w", "\n%{http_code}", sim.baseURL + pathAndQuery])
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    @Test func erasingANumberOrAnAddressDeletesItsCalls() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try PrivacyTests.writeCall(h, "a", other: "(555) 777-0001", seed: 2440)
        try PrivacyTests.writeCall(h, "b", other: "+1 555 777 0002", seed: 2441)
        var unlimited = SimulatorOptions()
        unlimited.requestsPerSecond = 0  // these endpoints count against Gong's rate like any other
        try await GongSimulator.withRunning(options: unlimited) { sim in
            #expect(try await OperatorCLI(h, config: try h.writeConfig(sim)).once().status == 0)
            #expect(await sim.state.snapshot().calls.count == 2)
            // Listed before, erased (a national form stored: the last 9 digits match), listed no more.
            let listed = try await Self.send(h, sim, "GET", "/v2/data-privacy/data-for-phone-number?phoneNumber=%2B15557770001")
            #expect(listed.0 == 200 && listed.1.contains("\"calls\":[{"), "\(listed)")
            let erased = try await Self.send(h, sim, "POST", "/v2/data-privacy/erase-data-for-phone-number?phoneNumber=%2B15557770001")
            #expect(erased.0 == 200 && erased.1.contains("requestId"), "\(erased)")
            let calls = await sim.state.snapshot().calls.values.map(\.clientUniqueId)
            #expect(calls == ["pbx:b"], "\(calls)")
            #expect(await sim.state.erasedIdentities == ["+15557770001"])
            let after = try await Self.send(h, sim, "GET", "/v2/data-privacy/data-for-phone-number?phoneNumber=%2B15557770001")
            #expect(after.0 == 200 && after.1.contains("\"calls\":[]"), "\(after)")
            // Without the country code: refused as Gong refuses it.
            let national = try await Self.send(h, sim, "POST", "/v2/data-privacy/erase-data-for-phone-number?phoneNumber=5557770002")
            #expect(national.0 == 400, "\(national)")
            // A bare `+` in a query is a space: the client must send %2B.
            let bare = try await Self.send(h, sim, "POST", "/v2/data-privacy/erase-data-for-phone-number?phoneNumber=+15557770002")
            #expect(bare.0 == 400, "\(bare)")
            #expect(try await Self.send(h, sim, "POST", "/v2/data-privacy/erase-data-for-email-address?emailAddress=someone%40example.com").0 == 200)
        }
        var forbidden = SimulatorOptions()
        forbidden.dataPrivacyForbidden = true
        try await GongSimulator.withRunning(options: forbidden) { sim in
            let refused = try await Self.send(h, sim, "POST", "/v2/data-privacy/erase-data-for-phone-number?phoneNumber=%2B15557770001")
            #expect(refused.0 == 403 && refused.1.contains("api:data-privacy:delete"), "\(refused)")
        }
    }
}
