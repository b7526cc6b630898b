import Foundation
import GRDB
@testable import GongSpool
import Testing
import TestSupport

@Suite struct StateStoreTests {
    @Test func databaseIsDurableWALWithIncrementalVacuum() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try StateStore.open(path: dir.file("s/state.sqlite"))
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
        let store = try StateStore.open(path: dir.file("state.sqlite"))
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

    @Test func clientUniqueIdIsUniqueInTheSchema() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try StateStore.open(path: dir.file("state.sqlite"))
        let owner = RecordingLifecycle(state: .ready, identity: Identity(clientUniqueId: "x"))
        _ = try await store.insert(stem: "a", owner, evidence: Evidence(), now: Date())
        await #expect(throws: StoreError.self) { try await store.insert(stem: "b", owner, evidence: Evidence(), now: Date()) }
    }

    @Test func claimsGiveDuplicatesConflictsAndPassTheIdOnlyFromAFailureBeforeSending() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try StateStore.open(path: dir.file("state.sqlite"))
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
}
