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
        let row = try await store.insert(Recording(stem: "a", now: now))
        let id = try #require(row.id)
        try await store.transition(id, to: .rejected, reason: "bad", errorCode: "invalid_request", expecting: [.pending], now: now)
        await #expect(throws: StoreError.unexpectedState(id: id, found: .rejected)) {
            try await store.transition(id, to: .ready, reason: nil, expecting: [.pending], now: now)
        }
        let history = try await store.history(of: id)
        #expect(history.map(\.toState) == [.pending, .rejected])
        #expect(history.last?.errorCode == "invalid_request")
        let counts = try await store.countsByState()
        #expect(counts[.rejected] == 1)
        #expect(counts.count == RecordingState.allCases.count)
    }

    @Test func clientUniqueIdIsUniqueInTheSchema() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try StateStore.open(path: dir.file("state.sqlite"))
        var a = Recording(stem: "a", now: Date())
        a.clientUniqueId = "x"
        var b = Recording(stem: "b", now: Date())
        b.clientUniqueId = "x"
        _ = try await store.insert(a)
        await #expect(throws: StoreError.self) { try await store.insert(b) }
    }
}
