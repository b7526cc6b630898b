import Foundation
import GongSpoolCore
import TestSupport
import Testing

/// Erasure in every backend (SQLite, PostgreSQL, memory): the audit entries, the recordings
/// whose files are not yet gone, and a tombstone that keeps no personal data, in the row or its
/// history, yet stops its clientUniqueId and its audio from being sent again.
@Suite struct ErasureStoreTests {
    @Test(arguments: RoleBackend.allCases)
    func anErasureLeavesATombstoneThatStopsItsIdAndItsAudio(_ backend: RoleBackend) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await backend.makeStore(in: dir)
        let context = EventContext(now: Date(timeIntervalSince1970: 1_000))
        let files = Fingerprint(
            audioPath: "out-5557770001-200.wav", size: 10, mtimeNs: 1, inode: 2, sidecarPath: "out-5557770001-200.json", sidecarSize: 3,
            sidecarMtimeNs: 4)
        func pending(_ stem: String) async throws -> Int64 {
            try #require(try await store.insert(stem: stem, .seen(reason: "new"), evidence: Evidence(fingerprint: files), now: context.now).id)
        }
        let a = try await pending("out-5557770001-200")
        let body = #"{"parties":[{"phoneNumber":"+15557770001"}]}"#
        #expect(
            try await store.claim(a, clientUniqueId: "x", evidence: Evidence(sha256: "1", requestJSON: body), context: context).row.state == .ready)

        var entry = try await store.recordErasure(
            ErasureRecord(
                subject: .phone("+15557770001"), requestedAt: context.now, command: "gongspool erase --phone +15557770001", requestedBy: "root@pbx"))
        let request = try #require(entry.id)
        #expect(try await store.erasures().map(\.subject) == ["+15557770001"])

        let erased = try await store.apply(a, .erase(request: request), context: context).row
        #expect(erased.state == .skipped && erased.lastErrorCode == .erasedOnRequest && erased.clientUniqueId == "x")
        #expect(try await store.erasuresPending().map(\.id) == [a])
        let tomb = try await store.apply(a, .erasureFinished, context: context).row
        #expect(tomb.isTombstone && tomb.stem == "/erased/\(a)" && tomb.audioPath == nil && tomb.sidecarPath == nil && tomb.requestJSON == nil)
        #expect(tomb.sha256 == "1" && tomb.clientUniqueId == "x" && tomb.reason == "erased on request (gongspool audit #\(request))")
        let stored = try #require(try await store.find(String(a)))
        #expect(stored.stem == tomb.stem && stored.requestJSON == nil && stored.audioPath == nil)
        let history = try await store.history(of: a)
        #expect(history.count >= 3 && history.allSatisfy { $0.reason?.hasPrefix("erased on request") == true }, "\(history)")
        #expect(try await store.erasuresPending().isEmpty)

        // Nothing brings it back.
        for event in [LifecycleEvent.retry, .forget, .hold, .erase(request: request)] {
            await #expect(throws: StoreError.self) { try await store.apply(a, event, context: context) }
        }
        // Its id, or its audio under another id: never sent.
        let sameId = try await pending("again")
        let byId = try await store.claim(sameId, clientUniqueId: "x", evidence: Evidence(sha256: "2"), context: context).row
        #expect(byId.state == .skipped && byId.lastErrorCode == .excludedByPolicy && byId.reason?.contains("#\(a)") == true, "\(byId)")
        let sameAudio = try await pending("copy")
        let byAudio = try await store.claim(sameAudio, clientUniqueId: "y", evidence: Evidence(sha256: "1"), context: context).row
        #expect(byAudio.state == .skipped && byAudio.lastErrorCode == .excludedByPolicy, "\(byAudio)")

        entry.found = 1
        entry.erased = 1
        entry.filesDeleted = 2
        entry.gongOutcome = "accepted"
        entry.gongRequestId = "r-1"
        entry.finishedAt = context.now
        try await store.updateErasure(entry)
        #expect(try await store.erasures() == [entry])
        #expect(entry.gongAccepted)
        // audit --verify's answers.
        entry.gongCheckedAt = context.now.addingTimeInterval(3600)
        entry.gongCheck = "no call listed: the erasure of the calls is complete"
        entry.gongConfirmedAt = entry.gongCheckedAt
        try await store.updateErasure(entry)
        #expect(try await store.erasures() == [entry])
    }

    @Test(arguments: StoreBackend.allCases)
    func pruneNeverDeletesATombstone(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await backend.makeStore(in: dir)
        let context = EventContext(now: Date(timeIntervalSince1970: 1_000))
        let row = try #require(try await store.insert(stem: "a", .skipped(reason: "old"), evidence: Evidence(), now: context.now).id)
        let done = try #require(try await store.insert(stem: "b", .skipped(reason: "old"), evidence: Evidence(), now: context.now).id)
        try await store.apply(row, .erase(request: 1), context: context)
        try await store.apply(row, .erasureFinished, context: context)
        let pruned = try await store.prune(finishedBefore: Date(timeIntervalSince1970: 10_000), all: true)
        #expect(pruned.recordings == 1 && pruned.keptInSpool == 0, "\(pruned)")
        #expect(try await store.find(String(row))?.isTombstone == true)
        #expect(try await store.find(String(done)) == nil)
    }

    @Test(arguments: [LifecycleState.creating, .uploading, .uploaded])
    func aRecordingWithARequestOnTheWireIsErasedAMomentLater(_ state: LifecycleState) throws {
        var lifecycle = RecordingLifecycle(state: state, identity: Identity(clientUniqueId: "x"))
        #expect(throws: LifecycleRefusal.self) { try lifecycle.handle(.erase(request: 1), EventContext(now: Date())) }
    }
}
