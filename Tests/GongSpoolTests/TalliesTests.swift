import Foundation
import GRDB
import TestSupport
import Testing

@testable import GongSpoolCore
@testable import GongSpoolSQLite

/// The counts `status` reads are kept by every store from the same ``WritePlan``: the same
/// events give the same tallies in SQLite, PostgreSQL and memory, and they agree with counting
/// the rows themselves.
@Suite struct TalliesTests {
    let now = Date(timeIntervalSince1970: 1_764_000_000)

    @Test(arguments: RoleBackend.allCases)
    func everyStoreKeepsTheSameTallies(_ backend: RoleBackend) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await backend.makeStore(in: dir)
        let context = EventContext(now: now)
        let rows = try await store.insert(
            (0..<5).map { (stem: "r\($0)", lifecycle: RecordingLifecycle.seen(reason: "new"), evidence: Evidence()) }, now: now)
        let ids = rows.compactMap(\.id)
        // Delivered, skipped as too short, rejected with an error, forgotten, left pending.
        _ = try await store.claim(ids[0], clientUniqueId: "pbx:0", evidence: Evidence(sha256: "a"), context: context)
        try await store.deliverAsIfGongAnswered(ids[0], callId: "10", now: now.addingTimeInterval(5))
        try await store.apply(ids[1], .inputSkipped(.mediaTooShort, reason: "4 s"), context: context)
        try await store.apply(ids[2], .inputRejected(.invalidRequest, reason: "bad"), context: EventContext(now: now.addingTimeInterval(9)))
        try await store.apply(ids[3], .forget, context: context)
        let counts = try await store.countsByState()
        #expect(counts[.done] == 1 && counts[.skipped] == 1 && counts[.rejected] == 1 && counts[.pending] == 1)
        #expect(counts.values.reduce(0, +) == 4, "the forgotten row is not counted")
        let stored = try await store.recordings(in: nil)
        #expect(Dictionary(grouping: stored, by: \.state).mapValues(\.count) == counts.filter { $0.value != 0 }, "the tallies agree with the rows")
        let facts = try await store.queueFacts()
        #expect(facts.lastSuccess == now.addingTimeInterval(5))
        #expect(facts.lastError?.errorCode == .invalidRequest && facts.lastError?.recordingId == ids[2])
        #expect(try await store.skippedForContent(day: ISOTimestamp.utcDay(now)) == [.mediaTooShort: 1])
        // A call found again in Gong's list is not a delivery.
        try await store.apply(ids[0], .reconciledMissing(callId: "10", reason: "not listed"), context: EventContext(now: now.addingTimeInterval(60)))
        try await store.apply(ids[0], .reconciledFound(callId: "10"), context: EventContext(now: now.addingTimeInterval(120)))
        #expect(try await store.queueFacts().lastSuccess == now.addingTimeInterval(5))
        let after = try await store.countsByState()
        #expect(after[.done] == 1 && after[.missing] == 0)
    }

    /// A database written by a version that kept the tallies with triggers carries its counts and
    /// its last delivery over, and the counts stay right afterwards.
    @Test func aDatabaseFromTheTriggerVersionsKeepsItsTallies() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("state.sqlite")
        let old = try DatabaseQueue(path: path)
        try SQLiteStateStore.migrator.migrate(old, upTo: "v11-bytes-in-doubt-and-audio-index")
        try await old.write { db in
            try db.execute(
                sql: """
                    INSERT INTO recordings (stem, clientUniqueId, state, attempts, firstSeenAt, stableSince, createdAt, updatedAt)
                    VALUES ('a', 'pbx:a', 'done', 0, '2025-11-24 16:00:00.000', '2025-11-24 16:00:00.000', '2025-11-24 16:00:00.000', '2025-11-24 16:00:00.000'),
                           ('b', NULL, 'pending', 0, '2025-11-24 16:00:00.000', '2025-11-24 16:00:00.000', '2025-11-24 16:00:00.000', '2025-11-24 16:00:00.000');
                    INSERT INTO transitions (recordingId, at, fromState, toState, attempt) VALUES (1, '2025-11-24 16:00:05.250', 'uploaded', 'done', 1);
                    """)
        }
        try old.close()
        let store = try SQLiteStateStore.open(path: path)
        let carried = try await store.countsByState()
        #expect(carried[.done] == 1 && carried[.pending] == 1)
        let lastSuccess = try #require(try await store.queueFacts().lastSuccess)
        #expect(abs(lastSuccess.timeIntervalSince(ISOTimestamp.parse("2025-11-24T16:00:05.250Z") ?? .distantPast)) < 0.001)
        let triggers = try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'") }
        #expect(triggers == 0)
        try await store.apply(2, .inputRejected(.invalidRequest, reason: "bad"), context: EventContext(now: now))
        let moved = try await store.countsByState()
        #expect(moved[.pending] == 0 && moved[.rejected] == 1)
    }
}
