import Foundation
import GongSimulator
import GongSpoolCore
import GongSpoolDaemon
import GongSpoolSQLite
import TestSupport
import Testing

/// The real pipeline against the simulator on loopback, with real files and a real SQLite file.
@Suite struct DeliveryTests {
    static let user = "234599484848423"

    func addBacklog(_ h: DeliveryHarness, count: Int, prefix: String = "pbx") throws -> [String: String] {
        try h.addBacklog(count: count, prefix: prefix)
    }

    func expectExactlyOnce(_ snapshot: SimulatorSnapshot, _ hashes: [String: String]) {
        let problems = snapshot.exactlyOnceProblems(hashes)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func mixedBacklogIsDeliveredExactlyOnce() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let hashes = try addBacklog(h, count: 12)
        let snapshot = try await h.drain()
        expectExactlyOnce(snapshot, hashes)
        let kinds = Set(snapshot.calls.values.compactMap(\.mediaContentType))
        #expect(kinds == ["audio/wav", "audio/mpeg", "audio/flac", "video/mp4"])
        let store = try SQLiteStateStore.open(path: h.database)
        #expect(try await store.countsByState()[.done] == 12)
        // Gong's references are kept per recording (its requestId is what Gong support asks for).
        for row in try await store.recordings() {
            #expect(row.createRequestId?.count == 19 && row.mediaRequestId?.count == 19, "\(row)")
            #expect(row.mediaURL == "https://us-00000.app.gong.io/call?id=\(row.callId ?? "")")
        }
        // A second run finds nothing to do and sends nothing.
        let again = try await GongSimulator.withRunning { sim in
            _ = try await h.runOnce(sim)
            return await sim.state.snapshot().requests.count
        }
        #expect(again == 0)
    }

    @Test func faultsAndLostResponsesStillGiveExactlyOnce() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let hashes = try addBacklog(h, count: 16)
        var options = SimulatorOptions()
        options.requestsPerSecond = 0
        options.failureRate = 0.25
        options.lostResponseRate = 0.25
        options.seed = 42
        let snapshot = try await h.drain(options)
        expectExactlyOnce(snapshot, hashes)
        #expect(snapshot.requests.contains { $0.status >= 500 })
        #expect(snapshot.requests.contains { $0.status == 0 })
        #expect(snapshot.requests.contains { $0.status == 400 })  // duplicate answers were used
        #expect(snapshot.callsWithoutMedia.isEmpty)
    }

    @Test func retryAfterIsHonouredByEveryRequest() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        _ = try addBacklog(h, count: 3)
        var options = SimulatorOptions()
        options.requestsPerSecond = 0
        options.forced429Count = 1
        options.forcedRetryAfterSeconds = 2
        // One worker: with two, a request already on the wire when the 429 arrives may land just
        // after it (it cannot be recalled); every request *started* later waits, which is what this checks.
        let snapshot = try await h.drain(options) { $0.gong.maxConcurrentUploads = 1 }
        let limited = try #require(snapshot.requests.firstIndex { $0.status == 429 })
        let after = snapshot.requests[(limited + 1)...]
        #expect(!after.isEmpty)
        let gap = try #require(after.first).at.timeIntervalSince(snapshot.requests[limited].at)
        #expect(gap >= 2.0, "next request \(gap) s after the 429")
    }

    @Test func rejectedCredentialsStopAllSending() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        _ = try addBacklog(h, count: 4)
        let wrong = Credentials(accessKey: "simulator-key", accessKeySecret: "expired", source: "test")
        let snapshot = try await GongSimulator.withRunning { sim in
            let result = try await h.runOnce(sim, credentials: wrong) { $0.gong.maxConcurrentUploads = 1 }
            guard case .halted(let reason) = result else {
                Issue.record("expected halted, got \(result)")
                return await sim.state.snapshot()
            }
            #expect(reason.contains("401"))
            return await sim.state.snapshot()
        }
        #expect(snapshot.requests.count == 1)
        let store = try SQLiteStateStore.open(path: h.database)
        let held = try await store.recordings(in: [.held])
        #expect(held.count == 1)
        #expect(held.first?.lastErrorCode == .credentialsRejected)
        #expect(held.first?.attempts == 0)
        // The others were not sent: queued, or still settling when sending stopped.
        let counts = try await store.countsByState()
        #expect((counts[.ready] ?? 0) + (counts[.pending] ?? 0) == 3)
        // A restart with the right secret releases the hold and delivers everything.
        let fixed = try await h.drain()
        #expect(fixed.acceptedCreates.count == 4)
    }

    @Test func serverErrorBurstsAreRetriedToSuccess() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let hashes = try addBacklog(h, count: 6)
        var options = SimulatorOptions()
        options.requestsPerSecond = 0
        options.failureRate = 0.6
        options.seed = 7
        let snapshot = try await h.drain(options)
        expectExactlyOnce(snapshot, hashes)
        let store = try SQLiteStateStore.open(path: h.database)
        let history = try await store.recordings().flatMap { row in row.id.map { [$0] } ?? [] }
        var sawWaiting = false
        for id in history where try await store.history(of: id).contains(where: { $0.toState == .waiting }) {
            sawWaiting = true
        }
        #expect(sawWaiting)
    }

    @Test func userWithoutTelephonyImportIsHeld() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("ok", id: "pbx:ok", audio: Fixtures.wav(seed: 1))
        try h.spool.writeRecording("no", id: "pbx:no", user: "111222333", audio: Fixtures.wav(seed: 2))
        var options = SimulatorOptions()
        options.disabledUsers = ["111222333"]
        _ = try await h.drain(options)
        let store = try SQLiteStateStore.open(path: h.database)
        let held = try #require(try await store.find("pbx:no"))
        #expect(held.state == .held)
        #expect(held.reason?.contains("111222333") == true)
        #expect(held.lastErrorCode == .userNotEnabled)
        #expect(try await store.find("pbx:ok")?.state == .done)
    }

    @Test func fileChangedAfterItWasTakenIsNotUploaded() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("c", id: "pbx:c", audio: Fixtures.wav(seed: 1))
        let store = try await h.takeIntoQueue()
        #expect(try await store.find("pbx:c")?.state == .ready)
        // The PBX rewrites the file after it was taken.
        let final = Fixtures.wav(seconds: 2, seed: 9)
        try h.spool.write("c.wav", final)
        let snapshot = try await h.drain()
        let call = try #require(snapshot.calls.values.first)
        #expect(call.mediaSHA256 == Crypto.sha256Hex(final))
        let row = try #require(try await store.find("pbx:c"))
        let history = try await store.history(of: try #require(row.id))
        #expect(history.contains { $0.errorCode == .fileChanged })
        #expect(row.state == .done)
    }

    @Test func afterUploadArchiveMovesBothFiles() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("2026/11/a", id: "pbx:a", audio: Fixtures.wav(seed: 3))
        let archive = h.work.file("archive")
        _ = try await h.drain {
            $0.spool.afterUpload = .archive
            $0.spool.archiveDirectory = archive
        }
        #expect(FileManager.default.fileExists(atPath: h.work.file("archive/2026/11/a.wav")))
        #expect(FileManager.default.fileExists(atPath: h.work.file("archive/2026/11/a.json")))
        #expect(!FileManager.default.fileExists(atPath: h.spool.file("2026/11/a.wav")))
    }

    @Test func persistentFailureIsHeldAfterTheGiveUpTime() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("g", id: "pbx:g", audio: Fixtures.wav(seed: 8))
        var options = SimulatorOptions()
        options.failureRate = 1
        options.requestsPerSecond = 0
        _ = try await h.drain(options) { $0.retry.giveUpAfterHours = 0.5 / 3600 }
        let store = try SQLiteStateStore.open(path: h.database)
        let row = try #require(try await store.find("pbx:g"))
        #expect(row.state == .held)
        #expect(row.reason?.hasPrefix("gave up after") == true)
        #expect(row.attempts >= 2)
    }

    @Test func afterUploadDeleteRemovesBothFilesOnlyWhenDone() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("del", id: "pbx:del", audio: Fixtures.wav(seed: 12))
        try h.spool.writeRecording("keep", id: "pbx:keep", user: "555", audio: Fixtures.wav(seed: 13))
        var options = SimulatorOptions()
        options.disabledUsers = ["555"]
        _ = try await h.drain(options) { $0.spool.afterUpload = .delete }
        #expect(!FileManager.default.fileExists(atPath: h.spool.file("del.wav")))
        #expect(!FileManager.default.fileExists(atPath: h.spool.file("del.json")))
        // The held recording keeps its files.
        #expect(FileManager.default.fileExists(atPath: h.spool.file("keep.wav")))
        #expect(FileManager.default.fileExists(atPath: h.spool.file("keep.json")))
    }

    @Test func callUnknownToGongIsResolvedAgainByRePosting() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("u", id: "pbx:u", audio: Fixtures.wav(seed: 61))
        let store = try await h.takeIntoQueue()
        let ready = try #require(try await store.find("pbx:u"))
        // A callId this Gong never issued (e.g. state restored from another tenant).
        let id = try #require(ready.id)
        try await store.apply(id, .createSending, context: EventContext(now: Date()))
        try await store.apply(id, .createAnswered(.created(callId: "1111111111111111111")), context: EventContext(now: Date()))
        let snapshot = try await h.drain()
        let row = try #require(try await store.find("pbx:u"))
        #expect(row.state == .done)
        #expect(row.callId == snapshot.calls.keys.first)
        #expect(snapshot.requests.map(\.status) == [404, 200, 201])
        #expect(try await store.history(of: try #require(row.id)).contains { $0.errorCode == .unknownCall })
    }
}
