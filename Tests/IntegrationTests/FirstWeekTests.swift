import Foundation
import GongSimulator
import GongSpoolCore
import GongSpoolSQLite
import TestSupport
import Testing

/// The traps a telephony admin met in the first week (issue 23), each through the real binary:
/// what root leaves behind for the service user, what `check` and `run --dry-run` must predict,
/// `forget`, `backup` night after night, verbs that match nothing.
@Suite struct FirstWeekTests {
    @Test(.enabled(if: ServiceUser.available, "makes a service user: needs root"))
    func operatorCommandsAsRootLeaveNothingTheServiceCannotWrite() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let user = try await ServiceUser.create()
        try h.spool.writeRecording("first", id: "pbx:first", audio: Fixtures.wav(seed: 2301))
        // The package's tmpfiles give the state directory to the service user.
        try user.own(h.work.path)
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim))
            // Root looks before the first start: the state is created…
            let listed = try await cli.run(["list", "--config", cli.config])
            #expect(listed.status == 0, "\(listed.output)")
            // …and every file of it belongs to the service user.
            let files = StateFiles.paths(of: h.database).filter { FileManager.default.fileExists(atPath: $0) }
            #expect(files.contains(h.database))
            for file in files { #expect(ServiceUser.owner(of: file) == user.uid, "\(file) is not the service user's") }
            // The service user's daemon writes it.
            let once = try await cli.run(["run", "--once", "--config", cli.config], as: user)
            #expect(once.status == 0, "\(once.output)")
            #expect(try await cli.show("pbx:first")["state"] == .string("done"))
            // A file root left behind (an older version did) is named by check, as the service
            // user and as root (who answers for the service user), before a start fails on it.
            chown(h.database, 0, 0)
            chmod(h.database, 0o644)
            let asService = try await cli.run(["check", "--offline", "--config", cli.config], as: user)
            #expect(asService.status == 78, "\(asService.output)")
            #expect(asService.output.contains("state.sqlite cannot be written by this user (\(user.name))"), "\(asService.output)")
            let asRoot = try await cli.run(["check", "--offline", "--config", cli.config])
            #expect(asRoot.status == 78 && asRoot.output.contains("cannot be written by \(user.name)"), "\(asRoot.output)")
            // Credentials only root may read are named too: the service could not start with them.
            try? FileManager.default.removeItem(atPath: h.database + "-wal")
            try user.own(h.database)
            let key = try h.work.write("key", text: "simulator-key")
            let secret = try h.work.write("secret", text: "simulator-secret")
            chmod(key, 0o600)
            chmod(secret, 0o600)
            let withFiles = try h.writeConfig(sim, gong: ["accessKeyFile: \(key)", "accessKeySecretFile: \(secret)"])
            let unreadable = try await cli.run(["check", "--offline", "--config", withFiles], environment: [:])
            #expect(unreadable.status == 78, "\(unreadable.output)")
            #expect(unreadable.output.contains("gong.accessKeySecretFile: \(secret) cannot be read by \(user.name)"), "\(unreadable.output)")
        }
        await user.remove()
    }

    @Test func checkAndDryRunPredictEveryRefusalOfRun() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        _ = try h.addBacklog(count: 3, prefix: "history")
        try await GongSimulator.withRunning { sim in
            // No secret anywhere: --offline still answers.
            let noSecret = ["GONG_ACCESS_KEY": "", "GONG_ACCESS_KEY_SECRET": ""]
            let fine = OperatorCLI(h, config: try h.writeConfig(sim, spool: ["backfill: all"]))
            let offline = try await fine.run(["check", "--offline", "--config", fine.config], environment: noSecret)
            #expect(offline.status == 0, "\(offline.output)")
            #expect(offline.output.contains("credentials not needed offline"), "\(offline.output)")
            // More history than a day's budget, spool.backfill not set.
            let costly = OperatorCLI(h, config: try h.writeConfig(sim, gong: ["dailyRequestLimit: 5"]))
            let check = try await costly.run(["check", "--offline", "--config", costly.config], environment: noSecret)
            #expect(check.status == 78 && check.output.contains("WRONG   spool.backfill: not set"), "\(check.output)")
            let dryRun = try await costly.run(["run", "--dry-run", "--config", costly.config])
            #expect(dryRun.status == 78 && dryRun.output.contains("run would refuse to start"), "\(dryRun.output)")
            #expect(dryRun.output.contains("spool.backfill"), "\(dryRun.output)")
            let config = try await costly.run(["config", "--config", costly.config])
            #expect(config.output.contains("# spool.backfill: not set — run would refuse to start"), "\(config.output)")
            #expect(try await costly.once().status == 78, "run refuses, as both said")
            #expect(await sim.state.snapshot().requests.isEmpty)
            // The sample configuration's placeholder URL.
            let sample = OperatorCLI(h, config: try h.writeConfig(sim, spool: ["backfill: all"]))
            let placeholder = try h.work.write(
                "placeholder.yaml",
                text: String(contentsOfFile: sample.config, encoding: .utf8)
                    .replacingOccurrences(of: "baseURL: \(sim.baseURL)", with: "baseURL: https://us-12345.api.gong.io"))
            let named = try await sample.run(["check", "--offline", "--config", placeholder], environment: noSecret)
            #expect(named.status == 78 && named.output.contains("gong.baseURL") && named.output.contains("us-12345"), "\(named.output)")
            let dry = try await sample.run(["run", "--dry-run", "--config", placeholder])
            #expect(dry.status == 78 && dry.output.contains("gong.baseURL"), "\(dry.output)")
            // A key without its secret is named as such, not as a missing file.
            let half = try await sample.run(
                ["check", "--config", sample.config], environment: ["GONG_ACCESS_KEY": "simulator-key", "GONG_ACCESS_KEY_SECRET": ""])
            #expect(half.status == 78 && half.output.contains("GONG_ACCESS_KEY_SECRET"), "\(half.output)")
            // After the first start, the choice is the state's and config says so.
            #expect(try await sample.once().status == 0)
            let fixed = try await sample.run(["config", "--config", sample.config])
            #expect(fixed.output.contains("# spool.backfill: fixed at the first start: every recording"), "\(fixed.output)")
        }
    }

    @Test func aForgottenRecordingIsTakenAgainAtTheNextPoll() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("sub/kept", id: "pbx:forget", audio: Fixtures.wav(seed: 2311))
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim, spool: ["fullRescanMinutes: 600"]))
            let missing = try await cli.run(["forget", "--config", cli.config, "99"])
            #expect(missing.status != 0 && missing.output.contains("99") && !missing.output.contains("[y/N]"), "\(missing.output)")
            try await cli.withDaemon {
                let before = try await cli.waitFor("pbx:forget", "done")
                // A later row, so the new row's id cannot be the forgotten one's reused.
                try h.spool.writeRecording("sub/later", id: "pbx:later", audio: Fixtures.wav(seed: 2312))
                _ = try await cli.waitFor("pbx:later", "done")
                let forgot = try await cli.run(["forget", "--yes", "--config", cli.config, "pbx:forget"])
                #expect(forgot.status == 0 && forgot.output.contains("next poll"), "\(forgot.output)")
                // Taken again long before the next full rescan (10 hours away): a new row.
                let deadline = Date().addingTimeInterval(20)
                var again = JSONValue.null
                while Date() < deadline {
                    let shown = try await cli.run(["show", "--config", cli.config, "pbx:forget", "--json"])
                    if shown.status == 0, let row = try? JSONValue.parse(Data(shown.output.utf8)), row["id"] != before["id"] {
                        again = row
                        break
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(again != .null, "not taken again before the next full rescan")
            }
        }
    }

    @Test func nightlyBackupsRotateAndNameThePath() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        _ = try h.addBacklog(count: 1, prefix: "backup")
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim))
            #expect(try await cli.once().status == 0)
            let folder = h.work.file("backups")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            // Two older nights' copies are there already.
            for night in ["20261201-030000", "20261202-030000"] {
                _ = try h.work.write("backups/gongspool-state-\(night).sqlite", text: "old")
            }
            let tonight = try await cli.run(["backup", "--config", cli.config, "--keep", "2", folder])
            #expect(tonight.status == 0, "\(tonight.output)")
            #expect(tonight.output.contains("removed the older copy \(folder)/gongspool-state-20261201-030000.sqlite"), "\(tonight.output)")
            let kept = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
            #expect(kept.count == 2 && kept[0] == "gongspool-state-20261202-030000.sqlite", "\(kept)")
            let copy = try SQLiteStateStore.open(path: folder + "/" + kept[1])
            #expect(try await copy.countsByState()[.done] == 1)
            // A fixed file: refused the second time unless --overwrite.
            let fixed = h.work.file("state-copy.sqlite")
            #expect(try await cli.run(["backup", "--config", cli.config, fixed]).status == 0)
            let again = try await cli.run(["backup", "--config", cli.config, fixed])
            #expect(again.status == 73 && again.output.contains(fixed) && again.output.contains("--overwrite"), "\(again.output)")
            #expect(try await cli.run(["backup", "--config", cli.config, "--overwrite", fixed]).status == 0)
            // A folder that is not there is named.
            let nowhere = h.work.file("no-such-folder/state.sqlite")
            let missing = try await cli.run(["backup", "--config", cli.config, nowhere])
            #expect(missing.status == 73 && missing.output.contains(h.work.file("no-such-folder")), "\(missing.output)")
            #expect(!missing.output.contains("SQLite error"), "\(missing.output)")
        }
    }

    @Test func bulkVerbsSayWhenNothingMatches() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim))
            #expect(try await cli.once().status == 0)
            let retry = try await cli.run(["retry", "--config", cli.config, "--all-held", "--yes"])
            #expect(retry.status == 0 && retry.output.contains("no recording is held: nothing to retry"), "\(retry.output)")
            let release = try await cli.run(["release", "--config", cli.config, "--all", "--yes"])
            #expect(release.status == 0 && release.output.contains("nothing to release"), "\(release.output)")
        }
    }

    /// `gongspool simulate --users FILE` serves Gong's user list from a file; `check` fetches and
    /// keeps it, so `validate` and `run --dry-run` map the rep by extension before the first start.
    @Test func usersFromGongCanBeTriedOnTheSimulatorBeforeGoingLive() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let users = try h.work.write(
            "users.json",
            text: """
                {"requestId": "saved", "records": {"totalRecords": 1, "currentPageSize": 1, "currentPageNumber": 0},
                 "users": [{"id": "7000000000000000204", "emailAddress": "ana@example.com", "extension": "204",
                            "firstName": "Ana", "lastName": "Lee", "active": true, "settings": {"telephonyCallsImported": true}}]}
                """)
        let broken = try h.work.write("broken.json", text: "[1, 2]")
        let refused = try await OperatorCLI(h, config: "").tool(Binary.path, ["simulate", "--port", "0", "--users", broken])
        #expect(refused.status != 0 && refused.output.contains("not a GET /v2/users answer"), "\(refused.output)")

        let log = h.work.file("simulate.log")
        let simulator = try Binary.start(["simulate", "--port", "0", "--users", users], log: log)
        defer { kill(simulator.processIdentifier, SIGKILL) }
        var baseURL: String?
        for _ in 0..<300 where baseURL == nil {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            baseURL = text.firstMatch(of: /listening on (http:\/\/[0-9.:]+)/).map { String($0.output.1) }
            if baseURL == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let url = try #require(baseURL, "the simulator's first line")
        #expect(((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("1 users from \(users)"))

        try h.spool.write("in-204-5551234567-20261122-101500-1795342500.1.wav", Fixtures.wav(seed: 2321))
        let cli = OperatorCLI(
            h, config: try h.writeConfig(baseURL: url, spool: ["systemId: pbx-a"], extra: "metadata:\n  preset: freepbx\nusers:\n  fromGong: true\n"))
        // Before `check` nothing was fetched: the rep cannot be mapped yet.
        let before = try await cli.run(["validate", "--config", cli.config, h.spool.file("in-204-5551234567-20261122-101500-1795342500.1.wav")])
        #expect(!before.output.contains("7000000000000000204"), "\(before.output)")
        let check = try await cli.run(["check", "--config", cli.config])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("1 Gong user kept in the state"), "\(check.output)")
        let after = try await cli.run(["validate", "--config", cli.config, h.spool.file("in-204-5551234567-20261122-101500-1795342500.1.wav")])
        #expect(after.status == 0 && after.output.contains("7000000000000000204"), "\(after.output)")
        let dry = try await cli.run(["run", "--dry-run", "--config", cli.config])
        #expect(dry.status == 0 && dry.output.contains("1 of 1 recordings would be sent"), "\(dry.output)")
    }

    /// The smaller things of the first week, each as the admin met it.
    @Test func theSmallerTrapsAreGone() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("small", id: "pbx:small", audio: Fixtures.wav(seed: 2331))
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim))
            // Every problem of the configuration at once; a mistyped key names the nearest one.
            let bad = try h.work.write(
                "bad.yaml", text: "spool:\n  directory: \(h.spool.path)\n  minDurationSecnds: 10\ngong:\n  requestsPerSecond: -1\n  dailyLimit: 5\n")
            let refused = try await cli.run(["check", "--offline", "--config", bad])
            #expect(refused.status == 78, "\(refused.output)")
            for problem in [
                "3 problems", "spool.minDurationSecnds: unknown key (did you mean spool.minDurationSeconds?)", "gong.dailyLimit: unknown key",
                "gong.requestsPerSecond: must be at least",
            ] {
                #expect(refused.output.contains(problem), "\(problem): \(refused.output)")
            }
            // The access key without its secret: the secret is what is missing.
            let half = try await cli.run(["check", "--config", cli.config], environment: ["GONG_ACCESS_KEY": "key", "GONG_ACCESS_KEY_SECRET": ""])
            #expect(half.status == 78, "\(half.output)")
            #expect(
                half.output.contains("GONG_ACCESS_KEY_SECRET: required, the environment has GONG_ACCESS_KEY but not its secret"), "\(half.output)")
            #expect(!half.output.contains("accessKeyFile: required"), "\(half.output)")
            // `config` says where credentials would come from, never "from none found".
            let shown = try await cli.run(["config", "--config", cli.config], environment: ["GONG_ACCESS_KEY": "", "GONG_ACCESS_KEY_SECRET": ""])
            #expect(shown.status == 0 && shown.output.contains("# credentials: none readable here ("), "\(shown.output)")
            #expect(!shown.output.contains("from none"), "\(shown.output)")
            // No recording 99: said at once, nothing asked.
            let forget = try await cli.run(["forget", "99", "--config", cli.config])
            #expect(forget.status == 65 && forget.output.contains("no recording 99"), "\(forget.output)")
            #expect(!forget.output.contains("[y/N]"), "\(forget.output)")
            // A delivery's log lines carry no empty field.
            let once = try await cli.once()
            #expect(once.status == 0, "\(once.output)")
            #expect(once.output.contains("clientUniqueId=pbx:small"), "lines with fields: \(once.output)")
            #expect(once.output.firstMatch(of: /[A-Za-z]+=( |$)/.anchorsMatchLineEndings()) == nil, "an empty field: \(once.output)")
            // Reconcile right after the delivery checks nothing, and says why.
            let reconcile = try await cli.run(["reconcile", "--config", cli.config])
            #expect(reconcile.status == 0, "\(reconcile.output)")
            #expect(reconcile.output.contains("only recordings delivered more than 1 h ago are checked"), "\(reconcile.output)")
        }
        // The demo explains the request Gong refused.
        let demo = try await OperatorCLI(h, config: "").run(["demo", "--directory", h.work.file("demo")])
        #expect(demo.status == 0, "\(demo.output)")
        #expect(demo.output.contains("answered 409 — a primary user Gong may not import calls for"), "\(demo.output)")
    }
}
