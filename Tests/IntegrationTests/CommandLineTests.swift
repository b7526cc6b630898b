import Foundation
import GongSimulator
import GongSpoolCore
import TestSupport
import Testing

/// The `gongspool` binary's commands, exit codes and machine-readable output.
@Suite struct CommandLineTests {
    func output(_ log: String) -> String {
        (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    }

    @Test func checkExits78NamingTheKey() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let config = try dir.write("c.yaml", text: "spool:\n  directory: \(dir.path)\n  settleSeconds: soon\n")
        let status = try await Binary.run(["check", "--config", config], log: dir.file("out"))
        #expect(status == 78)
        #expect(output(dir.file("out")).contains("spool.settleSeconds"))
        let missing = try dir.write("m.yaml", text: "spool:\n  directory: \(dir.path)\n")
        let missingKeyExit = try await Binary.run(["check", "--config", missing], log: dir.file("out2"))
        #expect(missingKeyExit == 78)
        #expect(output(dir.file("out2")).contains("gong.baseURL"))
    }

    @Test func validatePrintsTheRequestOrTheErrors() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("a.wav", Fixtures.wav())
        try dir.write("a.json", Fixtures.sidecarData(id: "pbx:a"))
        try dir.write("b.json", text: #"{"clientUniqueId": 5}"#)
        let config = try dir.write("c.yaml", text: "defaults:\n  languageCode: en-US\n")
        let validExit = try await Binary.run(["validate", "--json", "--config", config, dir.file("a.wav")], log: dir.file("ok"))
        #expect(validExit == 0)
        let request = try JSONValue.parse(Data(output(dir.file("ok")).utf8))
        #expect(request["clientUniqueId"] == .string("pbx:a"))
        #expect(request["languageCode"] == .string("en-US"))
        let invalidExit = try await Binary.run(["validate", "--config", config, dir.file("b.json")], log: dir.file("bad"))
        #expect(invalidExit == 65)
        #expect(output(dir.file("bad")).contains("b.json: clientUniqueId: expected string"))
    }

    @Test func statusAndListSpeakJSON() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("x", id: "pbx:x", audio: Fixtures.wav(seed: 4))
        try h.spool.write("y.wav", Fixtures.wav(seed: 5))
        try h.spool.write("y.json", text: "{")
        try await GongSimulator.withRunning { sim in
            let config = try h.writeConfig(sim)
            let env = ["GONG_ACCESS_KEY": "simulator-key", "GONG_ACCESS_KEY_SECRET": "simulator-secret"]
            let runExit = try await Binary.run(["run", "--once", "--config", config], environment: env, log: h.work.file("run"))
            #expect(runExit == 0)
            let statusExit = try await Binary.run(["status", "--json", "--config", config], log: h.work.file("status"))
            #expect(statusExit == 0)
            let status = try JSONValue.parse(Data(output(h.work.file("status")).utf8))
            let states = try #require(status["states"]?.objectValue)
            #expect(Set(states.keys) == Set(RecordingState.allCases.map(\.rawValue)))
            #expect(states["done"] == .integer(1))
            #expect(states["rejected"] == .integer(1))
            let listExit = try await Binary.run(["list", "--json", "--state", "done", "--config", config], log: h.work.file("list"))
            #expect(listExit == 0)
            let list = try #require(try JSONValue.parse(Data(output(h.work.file("list")).utf8)).arrayValue)
            #expect(list.count == 1)
            #expect(list.first?["clientUniqueId"] == .string("pbx:x"))
            #expect(list.first?["callId"]?.stringValue?.count == 19)
            #expect(list.first?["reason"] != nil)
        }
    }
}
