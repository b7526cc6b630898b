import Foundation
import PostgresNIO
import TestSupport
import Testing

@testable import GongSpoolCore
@testable import GongSpoolPostgres

/// What the PostgreSQL store adds for a fleet, with two nodes on one real database: leases,
/// names, the spool's intake, the shared request schedule and the fleet view.
@Suite struct FleetStoreTests {
    /// Two nodes (`a`, `b`) on one fresh database, reading spool `shared`.
    func twoNodes(leaseSeconds: Double = 30) async throws -> (any StateStore, any StateStore, TemporaryDirectory) {
        let dir = try TemporaryDirectory()
        let url = try await PostgresTestServer.shared.createDatabase()
        let a = try await StoreBackend.postgres.makeStore(in: dir, node: "a", spool: "shared", leaseSeconds: leaseSeconds, database: url)
        let b = try await StoreBackend.postgres.makeStore(in: dir, node: "b", spool: "shared", leaseSeconds: leaseSeconds, database: url)
        return (a, b, dir)
    }

    func ready(_ store: any StateStore, _ stem: String, now: Date) async throws -> Int64 {
        try #require(
            try await store.insert(
                stem: stem, RecordingLifecycle(state: .ready, identity: Identity(clientUniqueId: "pbx:\(stem)")),
                evidence: Evidence(), now: now
            ).id)
    }

    /// Leases are an hour long here, so no machine is too slow for them; "runs out" is the
    /// lease's end moved into the past in the database (PostgreSQL's clock decides, as in use).
    @Test func aLeasedRecordingIsOneNodesUntilItIsGivenUpOrRunsOut() async throws {
        let (a, b, dir) = try await twoNodes(leaseSeconds: 3600)
        defer { dir.remove() }
        let now = Date()
        let id = try await ready(a, "r", now: now)
        #expect(try await a.nextDue(now: now, excluding: [])?.id == id)
        #expect(try await b.nextDue(now: now, excluding: []) == nil, "a holds it")
        #expect(try await !b.isDue(now: now, excluding: []))
        await #expect(throws: StoreError.leased(id: id, node: "a")) {
            try await b.apply(id, .createSending, context: EventContext(now: now))
        }
        try await a.releaseLease(id)
        #expect(try await b.nextDue(now: now, excluding: [])?.id == id, "given up: b takes it")
        // b stops renewing (it died): once its lease has run out, a takes the recording over,
        // and b learns it lost it.
        try await Self.expireLeases(a, id)
        #expect(try await a.nextDue(now: now, excluding: [])?.id == id)
        #expect(try await b.renewLeases([id]) == [id])
        #expect(try await a.renewLeases([id]).isEmpty)
        // A recording that leaves the queue is free again.
        try await a.apply(id, .createSending, context: EventContext(now: now))
        try await a.apply(id, .createAnswered(.permanent(code: .http(400), message: "bad")), context: EventContext(now: now))
        #expect(try await b.renewLeases([id]) == [id])
        #expect(try await a.renewLeases([id]) == [id], "no lease is kept on a rejected recording")
    }

    /// Moves the end of every lease on `id` a second into the past (as if its node stopped beating).
    static func expireLeases(_ store: any StateStore, _ id: Int64) async throws {
        let postgres = try #require(store as? PostgresStateStore)
        try await postgres.run("UPDATE recordings SET leaseUntil = clock_timestamp() - interval '1 second' WHERE id = \(id)")
    }

    /// Two nodes that both believe they take the spool in (a lease ran out mid-poll) cannot
    /// both insert a file: one pending row per spool and stem.
    @Test func twoNodesTakingOneFileInMakeOnePendingRow() async throws {
        let (a, b, dir) = try await twoNodes()
        defer { dir.remove() }
        let now = Date()
        let first = try await a.insert([(stem: "d/x", lifecycle: .seen(reason: "new"), evidence: Evidence())], now: now)
        let second = try await b.insert([(stem: "d/x", lifecycle: .seen(reason: "new"), evidence: Evidence())], now: now)
        #expect(first.count == 1 && second.isEmpty)
        #expect(try await a.pendingRows().filter { $0.stem == "d/x" }.count == 1)
    }

    @Test func aRunningNodesNameIsRefusedUntilItLeaves() async throws {
        let (a, b, dir) = try await twoNodes()
        defer { dir.remove() }
        try await a.join(NodeAnnouncement(name: "pbx1", version: "t", spool: "shared"))
        await #expect(throws: StoreError.self) {
            try await b.join(NodeAnnouncement(name: "pbx1", version: "t", spool: "shared"))
        }
        try await b.join(NodeAnnouncement(name: "b", version: "t", spool: "shared"))
        let fleet = try #require(try await a.fleetStatus(now: Date()))
        #expect(fleet.nodes.map(\.name) == ["b", "pbx1"])
        #expect(fleet.nodes.allSatisfy { $0.condition == "running" })
    }

    @Test func oneNodeAtATimeTakesASpoolIn() async throws {
        let (a, b, dir) = try await twoNodes()
        defer { dir.remove() }
        #expect(try await a.mayRunIntake())
        #expect(try await !b.mayRunIntake())
        #expect(try await a.mayRunIntake(), "renewed")
        try await a.leave()
        #expect(try await b.mayRunIntake(), "a stopped: b takes over")
        #expect(try await !a.mayRunIntake())
    }

    /// The schedule is the fleet's: a pause one node records holds every node's next slot, and
    /// slots taken alternately by two nodes follow it `interval` apart. Checked exactly, however
    /// long each reservation takes: slot k is the pause's end plus k intervals, so its wait lies
    /// between that less the time since the pause was asked for and that itself.
    @Test func theFleetSharesOneRequestScheduleAndPause() async throws {
        let (a, b, dir) = try await twoNodes()
        defer { dir.remove() }
        let pause = 3600.0
        let interval = 0.5
        let asked = Date()
        try await a.recordPause(seconds: pause, until: asked.addingTimeInterval(pause))
        #expect(try await b.meta(.pausedUntil) != nil, "a restarted node waits for it too")
        for index in 0..<10 {
            let wait = try await (index.isMultiple(of: 2) ? a : b).reserveSlot(interval: interval)
            let slot = pause + Double(index) * interval
            let sincePause = Date().timeIntervalSince(asked)
            #expect(
                wait <= slot + 0.01 && wait >= slot - sincePause - 0.01,
                "slot \(index) of the fleet's schedule: waited \(wait) s, expected \(slot) s less at most \(sincePause) s")
        }
    }

    @Test func theDailyBudgetIsCountedOnceWithEachNodesShare() async throws {
        let (a, b, dir) = try await twoNodes()
        defer { dir.remove() }
        try await a.join(NodeAnnouncement(name: "a", version: "t", spool: "shared"))
        try await b.join(NodeAnnouncement(name: "b", version: "t", spool: "shared"))
        let day = ISOTimestamp.utcDay(Date())
        #expect(try await a.reserveDailyRequest(day: day, limit: 3) == 1)
        #expect(try await b.reserveDailyRequest(day: day, limit: 3) == 2)
        #expect(try await b.reserveDailyRequest(day: day, limit: 3) == 3)
        #expect(try await a.reserveDailyRequest(day: day, limit: 3) == nil, "the fleet's budget is spent")
        let fleet = try #require(try await b.fleetStatus(now: Date()))
        #expect(fleet.requestsToday == 3)
        #expect(fleet.nodes.map(\.requestsToday) == [1, 2])
    }
}

@Suite struct FleetReportTests {
    @Test func aSilentNodeIsCalledOutWithWhatWaitsForIt() {
        let now = Date(timeIntervalSince1970: 1_764_500_000)
        func node(_ name: String, _ condition: String, seen: Double) -> FleetStatus.Node {
            FleetStatus.Node(
                name: name, host: name + ".example", pid: 1, version: "1.2.0", spool: "nas", startedAt: now.addingTimeInterval(-3600),
                lastSeen: now.addingTimeInterval(-seen), stoppedAt: nil, queued: 4, leases: condition == "silent" ? 2 : 1,
                requestsToday: 30, budgetShare: 0.5, condition: condition)
        }
        let fleet = FleetStatus(
            nodes: [node("east-1", "running", seen: 2), node("east-2", "silent", seen: 600)], requestsToday: 60,
            dailyLimit: 10_000, pausedUntil: now.addingTimeInterval(30))
        let table = FleetReport.table(fleet, now: now)
        #expect(table.contains("east-2           silent"))
        #expect(table.contains("SILENT: east-2 (east-2.example) not heard of since"))
        #expect(table.contains("requests today (UTC), whole fleet: 60 of 10000"))
        #expect(table.contains("PAUSED by Gong (429) for every node until"))
        let json = FleetReport.json(fleet)
        #expect(json.contains("\"condition\" : \"silent\""))
    }
}
