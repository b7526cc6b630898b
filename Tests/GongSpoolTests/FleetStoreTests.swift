import Foundation
@testable import GongSpool
import Testing
import TestSupport

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
        try #require(try await store.insert(stem: stem, RecordingLifecycle(state: .ready, identity: Identity(clientUniqueId: "pbx:\(stem)")),
                                            evidence: Evidence(), now: now).id)
    }

    @Test func aLeasedRecordingIsOneNodesUntilItIsGivenUpOrRunsOut() async throws {
        let (a, b, dir) = try await twoNodes(leaseSeconds: 1)
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
        // b stops renewing (it died): after the lease, a takes the recording over, and b learns it lost it.
        try await Task.sleep(for: .milliseconds(1_300))
        #expect(try await a.nextDue(now: now, excluding: [])?.id == id)
        #expect(try await b.renewLeases([id]) == [id])
        #expect(try await a.renewLeases([id]).isEmpty)
        // A recording that leaves the queue is free again.
        try await a.apply(id, .createSending, context: EventContext(now: now))
        try await a.apply(id, .createAnswered(.permanent(code: .http(400), message: "bad")), context: EventContext(now: now))
        #expect(try await b.renewLeases([id]) == [id])
        #expect(try await a.renewLeases([id]) == [id], "no lease is kept on a rejected recording")
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
    /// slots taken alternately by two nodes follow it `interval` apart.
    @Test func theFleetSharesOneRequestScheduleAndPause() async throws {
        let (a, b, dir) = try await twoNodes()
        defer { dir.remove() }
        try await a.recordPause(seconds: 30, until: Date().addingTimeInterval(30))
        #expect(try await b.meta(.pausedUntil) != nil, "a restarted node waits for it too")
        let started = Date()
        var waits: [Double] = []
        for index in 0..<10 {
            waits.append(try await (index.isMultiple(of: 2) ? a : b).reserveSlot(interval: 0.5))
        }
        let elapsed = Date().timeIntervalSince(started)
        #expect(waits.allSatisfy { $0 > 29 }, "the pause holds both nodes: \(waits)")
        #expect(zip(waits, waits.dropFirst()).allSatisfy { $1 > $0 }, "\(waits)")
        // Slot 9 is exactly 9 intervals after slot 0; the waits differ by that less the time
        // that passed between the two reservations (at most `elapsed`).
        let spread = (waits.last ?? 0) - (waits.first ?? 0)
        #expect(spread <= 4.5 + 0.001 && spread >= 4.5 - elapsed - 0.001, "\(spread) s between slot 0 and 9, \(elapsed) s taken")
    }

    @Test func theDailyBudgetIsCountedOnceWithEachNodesShare() async throws {
        let (a, b, dir) = try await twoNodes()
        defer { dir.remove() }
        try await a.join(NodeAnnouncement(name: "a", version: "t", spool: "shared"))
        try await b.join(NodeAnnouncement(name: "b", version: "t", spool: "shared"))
        let day = RequestGate.utcDay(Date())
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
            FleetStatus.Node(name: name, host: name + ".example", pid: 1, version: "1.2.0", spool: "nas", startedAt: now.addingTimeInterval(-3600),
                             lastSeen: now.addingTimeInterval(-seen), stoppedAt: nil, queued: 4, leases: condition == "silent" ? 2 : 1,
                             requestsToday: 30, budgetShare: 0.5, condition: condition)
        }
        let fleet = FleetStatus(nodes: [node("east-1", "running", seen: 2), node("east-2", "silent", seen: 600)], requestsToday: 60,
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
