import Foundation
import GongSimulator
import GongSpoolCore
import GongSpoolSQLite
import TestSupport
import Testing

/// The first day on a real PBX (issue 13), through the real binary: the version, a first start
/// over more history than a day's budget, a pilot with some agents, a backup.
@Suite struct FirstDayTests {
    @Test func theVersionComesFromOnePlace() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let version = try await OperatorCLI(h, config: "").run(["--version"])
        #expect(version.status == 0)
        #expect(version.output.hasPrefix(BuildInfo.version), "\(version.output)")
    }

    @Test func aFirstStartOverMoreThanADaysBudgetAsksWhatToSend() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        _ = try h.addBacklog(count: 3, prefix: "history")
        try await GongSimulator.withRunning { sim in
            let unsure = OperatorCLI(h, config: try h.writeConfig(sim, gong: ["dailyRequestLimit: 5"]))
            let refused = try await unsure.once()
            #expect(refused.status == 78, "\(refused.output)")
            #expect(
                refused.output.contains("spool.backfill") && refused.output.contains("3 recordings") && refused.output.contains("6 requests"),
                "the cost spelled out: \(refused.output)")
            #expect(await sim.state.snapshot().requests.isEmpty, "nothing sent")
            let decided = OperatorCLI(h, config: try h.writeConfig(sim, spool: ["backfill: none"], gong: ["dailyRequestLimit: 5"]))
            #expect(try await decided.once().status == 0)
            let rows = try JSONValue.parse(Data(try await decided.run(["list", "--config", decided.config, "--json"]).output.utf8)).arrayValue ?? []
            #expect(rows.count == 3 && rows.allSatisfy { $0["state"] == .string("skipped") })
        }
    }

    @Test func aPilotSkipsCallsOfAgentsWithoutAGongUser() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.write("in-204-5551234567-20261122-101500-1795342500.1.wav", Fixtures.wav(seed: 951))
        try h.spool.write("in-299-5551234567-20261122-101600-1795342560.2.wav", Fixtures.wav(seed: 952))
        try await GongSimulator.withRunning { sim in
            func config(_ table: String) throws -> String {
                try h.writeConfig(
                    sim, spool: ["systemId: pbx-a"],
                    extra: "metadata:\n  preset: freepbx\nusers:\n  unmapped: skip\n  table: {\(table)}\n")
            }
            let pilot = OperatorCLI(h, config: try config(#""204": "7000000000000000204""#))
            #expect(try await pilot.once().status == 0)
            #expect(try await pilot.show("pbx-a:1795342500.1")["state"] == .string("done"))
            let other = try await pilot.show("in-299-5551234567-20261122-101600-1795342560.2")
            #expect(other["state"] == .string("skipped") && other["lastErrorCode"] == .string("unknown_user"), "\(other)")
            #expect(await sim.state.snapshot().requests.count == 2, "nothing spent on the unmapped agent")
            // The pilot grows: the agent is mapped, and the skipped call goes on at the next start.
            let grown = OperatorCLI(h, config: try config(#""204": "7000000000000000204", "299": "7000000000000000299""#))
            #expect(try await grown.once().status == 0)
            #expect(try await grown.show("pbx-a:1795342560.2")["state"] == .string("done"))
        }
    }

    @Test func aBackupIsAConsistentCopyAndNeverOverwrites() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        _ = try h.addBacklog(count: 2, prefix: "backup")
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim))
            #expect(try await cli.once().status == 0)
            let copy = h.work.file("copy.sqlite")
            let made = try await cli.run(["backup", "--config", cli.config, copy])
            #expect(made.status == 0, "\(made.output)")
            let restored = try SQLiteStateStore.open(path: copy)
            #expect(try await restored.countsByState()[.done] == 2)
            #expect(try await cli.run(["backup", "--config", cli.config, copy]).status == 73, "never overwrites")
        }
    }
}
