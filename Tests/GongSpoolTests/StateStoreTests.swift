import Foundation
import GRDB
@testable import GongSpool
import Testing
import TestSupport

@Suite struct StateStoreTests {
    @Test func databaseIsDurableWALWithIncrementalVacuum() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStateStore.open(path: dir.file("s/state.sqlite"))
        let pragmas = try await store.pool.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"),
             try Int.fetchOne(db, sql: "PRAGMA synchronous"),
             try Int.fetchOne(db, sql: "PRAGMA auto_vacuum"),
             try Int.fetchOne(db, sql: "PRAGMA busy_timeout"))
        }
        #expect(pragmas.0 == "wal")
        #expect(pragmas.1 == 2) // FULL
        #expect(pragmas.2 == 2) // INCREMENTAL
        #expect((pragmas.3 ?? 0) >= 1000)
    }

    @Test func transitionsAreRecordedAndGuarded() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStateStore.open(path: dir.file("state.sqlite"))
        let now = Date(timeIntervalSince1970: 1_000)
        let row = try await store.insert(stem: "a", .seen(reason: "new"), evidence: Evidence(), now: now)
        let id = try #require(row.id)
        try await store.apply(id, .inputRejected(.invalidRequest, reason: "bad"), context: EventContext(now: now))
        await #expect(throws: StoreError.self) {
            try await store.apply(id, .claimed(.owner(clientUniqueId: "x")), context: EventContext(now: now))
        }
        let history = try await store.history(of: id)
        #expect(history.map(\.toState) == [.pending, .rejected])
        #expect(history.last?.errorCode == .invalidRequest)
        #expect(try await store.find(String(id))?.clientUniqueId == nil, "the refused claim changed nothing")
        let counts = try await store.countsByState()
        #expect(counts[.rejected] == 1)
        #expect(counts.count == RecordingState.allCases.count)
    }

    /// The batched insert binds columns by hand: every column a new row holds must reach the
    /// table exactly as GRDB's own record encoding writes it, and every column must be bound.
    @Test func theHandWrittenInsertWritesEveryColumnTheRowHolds() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStateStore.open(path: dir.file("state.sqlite"))
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let lifecycle = RecordingLifecycle(
            state: .waiting(.upload, until: now.addingTimeInterval(60)),
            identity: .init(clientUniqueId: "pbx:1", callId: "c1", createsInDoubt: 1, uploadsInDoubt: 2, goneCallId: "c0"),
            code: .http(503), reason: "later", attempts: 3, failingSince: now.addingTimeInterval(-30), checksWaived: true)
        let evidence = Evidence(
            fingerprint: Fingerprint(audioPath: "a.wav", size: 10, mtimeNs: 11, inode: 12, sidecarPath: "a.json", sidecarSize: 13, sidecarMtimeNs: 14),
            stableSince: now.addingTimeInterval(-5), sha256: "ab", requestJSON: "{}", mediaKind: "wav",
            createRequestId: "r1", mediaRequestId: "r2", mediaURL: "https://x", levels: AudioLevels(peakDb: [-3, -120]), silentChannels: [1])
        let inserted = try await store.insert(stem: "a", lifecycle, evidence: evidence, now: now)
        let stored = try await store.pool.read { db in try Recording.fetchOne(db, key: inserted.id) }
        #expect(stored == inserted)
        var viaGRDB = inserted
        viaGRDB.id = nil
        viaGRDB.stem = "b"
        viaGRDB.clientUniqueId = "pbx:2"
        try await store.pool.write { [viaGRDB] db in
            var record = viaGRDB
            try record.insert(db)
        }
        let (mine, theirs) = try await store.pool.read { db in
            (try Row.fetchOne(db, sql: "SELECT * FROM recordings WHERE stem = 'a'"), try Row.fetchOne(db, sql: "SELECT * FROM recordings WHERE stem = 'b'"))
        }
        let columns = try #require(mine).columnNames.filter { !["id", "stem", "clientUniqueId"].contains($0) }
        #expect(columns.count == 35)
        for column in columns {
            #expect(mine?[column] as DatabaseValue? == theirs?[column] as DatabaseValue?, "\(column)")
        }
    }

    @Test func clientUniqueIdIsUniqueInTheSchema() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStateStore.open(path: dir.file("state.sqlite"))
        let owner = RecordingLifecycle(state: .ready, identity: Identity(clientUniqueId: "x"))
        _ = try await store.insert(stem: "a", owner, evidence: Evidence(), now: Date())
        await #expect(throws: StoreError.self) { try await store.insert(stem: "b", owner, evidence: Evidence(), now: Date()) }
    }

    @Test func claimsGiveDuplicatesConflictsAndPassTheIdOnlyFromAFailureBeforeSending() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStateStore.open(path: dir.file("state.sqlite"))
        let context = EventContext(now: Date(timeIntervalSince1970: 1_000))
        func pending(_ stem: String) async throws -> Int64 {
            try #require(try await store.insert(stem: stem, .seen(reason: "new"), evidence: Evidence(), now: context.now).id)
        }
        let a = try await pending("a"), b = try await pending("b"), c = try await pending("c")
        #expect(try await store.claim(a, clientUniqueId: "x", evidence: Evidence(sha256: "1"), context: context).row.state == .ready)
        let copy = try await store.claim(b, clientUniqueId: "x", evidence: Evidence(sha256: "1"), context: context).row
        #expect(copy.state == .duplicate && copy.duplicateOf == a && copy.clientUniqueId == nil)
        let other = try await store.claim(c, clientUniqueId: "x", evidence: Evidence(sha256: "2"), context: context).row
        #expect(other.state == .held && other.lastErrorCode == .contentConflict)
        // The original's audio becomes unreadable before anything was sent: the copy is examined
        // again and takes the id over.
        try await store.apply(a, .fileUnreadable(.fileOpen, reason: "gone"), context: context)
        #expect(try await store.find(String(b))?.state == .pending)
        let taken = try await store.claim(b, clientUniqueId: "x", evidence: Evidence(sha256: "1"), context: context).row
        #expect(taken.state == .ready && taken.clientUniqueId == "x")
        #expect(try await store.find(String(a))?.clientUniqueId == nil)
        // Once a create may have reached Gong, the id is never handed over.
        try await store.apply(b, .createSending, context: context)
        try await store.apply(b, .createAnswered(.retryable(code: .timeout, message: "slow")), context: context)
        try await store.apply(b, .retry, context: context)
        try await store.apply(b, .hold, context: context)
        let d = try await pending("d")
        let later = try await store.claim(d, clientUniqueId: "x", evidence: Evidence(sha256: "1"), context: context).row
        #expect(later.state == .duplicate)
    }

    @Test func reconciliationCandidatesAndConfirmationsFollowTheCallTheRowOwns() async throws {
        let h = try IntakeHarness()
        defer { h.remove() }
        for stem in ["a", "b", "c"] { try h.addPair(stem, id: "pbx:\(stem)") }
        try await h.settle()
        let now = h.clock.now()
        for (stem, call) in [("a", "11"), ("b", "12")] {
            try await h.store.deliverAsIfGongAnswered(try #require(try await h.row(stem)?.id), callId: call, now: now)
        }
        let candidates = try await h.store.reconcileCandidates(deliveredSince: now.addingTimeInterval(-60), before: now.addingTimeInterval(60))
        #expect(candidates.map(\.callId) == ["11", "12"], "only delivered rows, with their calls")
        #expect(try await h.store.reconcileCandidates(deliveredSince: now.addingTimeInterval(1), before: now.addingTimeInterval(60)).isEmpty)
        // A stale candidate (its row now owns another call) is not confirmed; the others are.
        var stale = try #require(candidates.first)
        stale.callId = "99"
        try await h.store.confirmListed([stale, candidates[1]], at: now)
        #expect(try await h.row("a")?.confirmedAt == nil)
        #expect(try await h.row("b")?.confirmedAt != nil)
        let left = try await h.store.reconcileCandidates(deliveredSince: now.addingTimeInterval(-60), before: now.addingTimeInterval(60))
        #expect(left.map(\.callId) == ["11"], "a confirmed call is not asked about again")
        // The query reads the partial index, not the table.
        let plan = try await h.store.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteStateStore.reconcileCandidatesSQL, arguments: [now, now]).map { $0["detail"] as String? ?? "" }.joined(separator: " ")
        }
        #expect(plan.contains("USING INDEX recordings_unconfirmed") && !plan.contains("SCAN"), "\(plan)")
    }
}
