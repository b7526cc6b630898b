import Foundation
import GongSpoolCore
import GongSpoolSQLite
import TestSupport
import Testing

@Suite struct SpoolIntakeTests {
    @Test func settledPairBecomesReadyOnce() async throws {
        let h = try IntakeHarness()
        defer { h.remove() }
        try h.addPair("call-1", id: "pbx:1")
        try await h.intake.poll()
        #expect(try await h.row("call-1")?.state == .pending)
        let summary = try await h.settle()
        #expect(summary.becameReady == 1)
        let row = try #require(try await h.row("call-1"))
        #expect(row.state == .ready)
        #expect(row.clientUniqueId == "pbx:1")
        #expect(row.sha256?.count == 64)
        #expect(row.requestJSON?.contains("\"clientUniqueId\":\"pbx:1\"") == true)
        h.clock.advance(60)
        #expect(try await h.intake.poll().becameReady == 0)
        let history = try await h.store.history(of: try #require(row.id))
        #expect(history.map(\.toState) == [.pending, .ready])
    }

    @Test func wavStillBeingRecordedIsNeverReady() async throws {
        let h = try IntakeHarness()
        defer { h.remove() }
        try h.spool.write("live.wav", Fixtures.wav(seconds: 3, finalized: false))
        try h.spool.write("live.json", Fixtures.sidecarData(id: "pbx:live"))
        for _ in 0..<5 {
            try await h.intake.poll()
            h.clock.advance(30)
        }
        let row = try #require(try await h.row("live"))
        #expect(row.state == .pending)
        #expect(row.reason?.contains("still recording") == true)
        // The PBX closes the file: header finalised.
        try h.spool.write("live.wav", Fixtures.wav(seconds: 3))
        try await h.settle()
        #expect(try await h.row("live")?.state == .ready)
    }

    @Test func growingFileIsNotReadyUntilItStops() async throws {
        let h = try IntakeHarness()
        defer { h.remove() }
        try h.spool.write("grow.json", Fixtures.sidecarData(id: "pbx:grow"))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: h.spool.write("grow.mp3", Fixtures.mp3(bytes: 1000))))
        for i in 0..<4 {
            try await h.intake.poll()
            try handle.seekToEnd()
            try handle.write(contentsOf: Fixtures.mp3(bytes: 1000, seed: i))
            h.clock.advance(4)
            #expect(try await h.row("grow")?.state == .pending)
        }
        try handle.close()
        try await h.settle()
        #expect(try await h.row("grow")?.state == .ready)
    }

    @Test func symlinkOutOfTheSpoolIsNotTaken() async throws {
        let h = try IntakeHarness()
        defer { h.remove() }
        let outside = try TemporaryDirectory("outside")
        defer { outside.remove() }
        let target = try outside.write("secret.wav", Fixtures.wav())
        try h.spool.write("link.json", Fixtures.sidecarData(id: "pbx:link"))
        try FileManager.default.createSymbolicLink(atPath: h.spool.file("link.wav"), withDestinationPath: target)
        let dirTarget = try outside.write("sub/inner.wav", Fixtures.wav())
        _ = dirTarget
        try FileManager.default.createSymbolicLink(atPath: h.spool.file("linkeddir"), withDestinationPath: outside.file("sub"))
        let h2 = try IntakeHarness {
            $0.directory = h.spool.path
            $0.recursive = true
        }
        defer { h2.stateDir.remove() }
        try await h2.settle()
        h2.clock.advance(3600)
        try await h2.intake.poll()
        let rows = try await h2.store.recordings()
        #expect(rows.allSatisfy { $0.audioPath == nil })
        #expect(rows.allSatisfy { $0.state != .ready })
        #expect(FileManager.default.fileExists(atPath: target))
    }

    @Test func audioWithoutSidecarStaysPendingThenOrphaned() async throws {
        let h = try IntakeHarness()
        defer { h.remove() }
        try h.spool.write("lonely.wav", Fixtures.wav())
        try await h.settle()
        let row = try #require(try await h.row("lonely"))
        #expect(row.state == .pending)
        #expect(row.reason == "waiting for sidecar lonely.json")
        h.clock.advance(11 * 60)
        try await h.intake.poll()
        #expect(try await h.row("lonely")?.state == .orphaned)
        // The sidecar turns up late: the pair is taken after all.
        try h.spool.write("lonely.json", Fixtures.sidecarData(id: "pbx:late"))
        try await h.settle()
        #expect(try await h.row("lonely")?.state == .ready)
    }

    @Test(arguments: [
        ("{not json", "$"),
        ("{\"clientUniqueId\":\"a\"}", "actualStart"),
        (
            "{\"clientUniqueId\":\"a\",\"actualStart\":\"2026-01-01T00:00:00\",\"direction\":\"Inbound\",\"primaryUser\":\"1\",\"parties\":[{\"userId\":\"1\"}]}",
            "actualStart"
        ),
        (
            "{\"clientUniqueId\":\"a\",\"actualStart\":\"2026-01-01T00:00:00Z\",\"direction\":\"in\",\"primaryUser\":\"1\",\"parties\":[{\"userId\":\"1\"}]}",
            "direction"
        ),
        (
            "{\"clientUniqueId\":5,\"actualStart\":\"2026-01-01T00:00:00Z\",\"direction\":\"Inbound\",\"primaryUser\":\"1\",\"parties\":[{\"userId\":\"1\"}]}",
            "clientUniqueId"
        ),
        (
            "{\"clientUniqueId\":\"a\",\"actualStart\":\"2026-01-01T00:00:00Z\",\"direction\":\"Inbound\",\"primaryUser\":\"1\",\"parties\":[{\"userId\":\"2\"}]}",
            "primaryUser"
        ),
        (
            "{\"clientUniqueId\":\"a\",\"actualStart\":\"2026-01-01T00:00:00Z\",\"direction\":\"Inbound\",\"primaryUser\":\"1\",\"parties\":\"1\"}",
            "parties"
        ),
    ])
    func malformedSidecarIsRejectedNamingFileAndField(_ sidecar: String, _ field: String) async throws {
        let h = try IntakeHarness()
        defer { h.remove() }
        try h.spool.write("bad.wav", Fixtures.wav())
        try h.spool.write("bad.json", text: sidecar)
        try await h.settle()
        let row = try #require(try await h.row("bad"))
        #expect(row.state == .rejected)
        #expect(row.reason?.hasPrefix("bad.json: ") == true)
        #expect(row.reason?.contains("\(field): ") == true, "\(row.reason ?? "")")
        #expect(row.clientUniqueId == nil)
        #expect(FileManager.default.fileExists(atPath: h.spool.file("bad.wav")))
        #expect(FileManager.default.fileExists(atPath: h.spool.file("bad.json")))
    }

    @Test func fixedSidecarIsExaminedAgain() async throws {
        let h = try IntakeHarness()
        defer { h.remove() }
        try h.spool.write("fix.wav", Fixtures.wav())
        try h.spool.write("fix.json", text: "{")
        try await h.settle()
        #expect(try await h.row("fix")?.state == .rejected)
        try h.spool.write("fix.json", Fixtures.sidecarData(id: "pbx:fix"))
        try await h.settle()
        #expect(try await h.row("fix")?.state == .ready)
    }

    @Test func nonMediaWithAudioExtensionIsRejected() async throws {
        let h = try IntakeHarness()
        defer { h.remove() }
        try h.spool.write("text.wav", text: String(repeating: "not audio ", count: 20))
        try h.spool.write("text.json", Fixtures.sidecarData(id: "pbx:text"))
        try await h.settle()
        let row = try #require(try await h.row("text"))
        #expect(row.state == .rejected)
        #expect(row.lastErrorCode == .notMedia)
    }

    @Test func sameIdSameContentIsDuplicateDifferentContentIsHeld() async throws {
        let h = try IntakeHarness { $0.recursive = true }
        defer { h.remove() }
        let audio = Fixtures.wav(seed: 1)
        try h.addPair("a/one", id: "pbx:same", audio: audio)
        try await h.settle()
        try h.addPair("b/one-again", id: "pbx:same", audio: audio)
        try h.addPair("c/other", id: "pbx:same", audio: Fixtures.wav(seed: 2))
        try await h.settle()
        #expect(try await h.row("a/one")?.state == .ready)
        #expect(try await h.row("b/one-again")?.state == .duplicate)
        let conflict = try #require(try await h.row("c/other"))
        #expect(conflict.state == .held)
        #expect(conflict.reason?.contains("content conflict") == true)
        let owners = try await h.store.recordings().filter { $0.clientUniqueId == "pbx:same" }
        #expect(owners.count == 1)
    }

    @Test func tooLargeAudioIsRejectedWithoutReadingIt() async throws {
        let h = try IntakeHarness()
        defer { h.remove() }
        let path = try h.spool.write("huge.wav", Fixtures.wavHeader(dataSize: 16))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 1_600_000_000)  // sparse
        try handle.close()
        try h.spool.write("huge.json", Fixtures.sidecarData(id: "pbx:huge"))
        try await h.settle()
        let row = try #require(try await h.row("huge"))
        #expect(row.state == .rejected)
        #expect(row.reason?.contains("1.5 GB") == true)
    }

    @Test func stateSurvivesReopeningTheDatabase() async throws {
        let h = try IntakeHarness()
        defer { h.remove() }
        try h.addPair("keep", id: "pbx:keep")
        try await h.settle()
        try h.store.close()
        let reopened = try SQLiteStateStore.open(path: h.stateDir.file("state.sqlite"))
        let row = try #require(try await reopened.find("pbx:keep"))
        #expect(row.state == .ready)
        #expect(try await reopened.history(of: try #require(row.id)).count == 2)
    }
}
