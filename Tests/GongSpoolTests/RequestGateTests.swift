import Foundation
import GongSpoolCore
import Logging
import TestSupport
import Testing

/// ``RequestGate`` on a manual clock (sleeping moves it) over the in-memory gate role (the
/// databases' gate roles are the store suite's: `StateStoreTests`, `FleetStoreTests`).
@Suite struct RequestGateTests {
    func gate(rate: Double, daily: Int, clock: ManualWallClock, dir: TemporaryDirectory) throws -> (RequestGate, MemoryStore) {
        let store = MemoryStore()
        var settings = GongSettings()
        settings.requestsPerSecond = rate
        settings.dailyRequestLimit = daily
        return (RequestGate(settings: settings, store: store, clock: clock, logger: Logger(label: "test")), store)
    }

    @Test func requestsAreSpacedByTheRate() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let clock = ManualWallClock(start)
        let (gate, _) = try gate(rate: 2, daily: 100, clock: clock, dir: dir)
        var times: [Double] = []
        for _ in 0..<4 {
            try await gate.acquire()
            times.append(clock.now().timeIntervalSince(start))
        }
        #expect(times == [0, 0.5, 1.0, 1.5])
    }

    @Test func aPauseHoldsEveryRequestUntilItEnds() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let clock = ManualWallClock(start)
        let (gate, _) = try gate(rate: 100, daily: 100, clock: clock, dir: dir)
        try await gate.acquire()
        await gate.pause(seconds: 10)
        #expect(await gate.pauseEnd == start.addingTimeInterval(10))
        try await gate.acquire()
        #expect(clock.now() >= start.addingTimeInterval(10))
        await gate.pause(seconds: 2)  // a shorter pause never shortens a longer one
        #expect(await gate.pauseEnd == clock.now().addingTimeInterval(2))
    }

    @Test func theDailyBudgetIsCountedInTheStoreAndWaitsForUTCMidnight() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let start = Date(timeIntervalSince1970: 1_800_000_000 + 3_600)  // 01:00 UTC
        let clock = ManualWallClock(start)
        let (gate, store) = try gate(rate: 100, daily: 2, clock: clock, dir: dir)
        try await gate.acquire()
        try await gate.acquire()
        #expect(await gate.budgetExhausted)
        #expect(try await store.dailyUsage(day: ISOTimestamp.utcDay(start)) == 2)
        try await gate.acquire()
        let midnight = Date(timeIntervalSince1970: (start.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400 + 86_400)
        #expect(clock.now() >= midnight, "the third request waited for the next UTC day")
        #expect(try await store.dailyUsage(day: ISOTimestamp.utcDay(clock.now())) == 1)
    }

    @Test func aHaltRefusesUntilResumed() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let clock = ManualWallClock()
        let (gate, store) = try gate(rate: 100, daily: 100, clock: clock, dir: dir)
        await gate.halt("credentials rejected (HTTP 401)")
        await #expect(throws: RequestGate.Refusal.halted("credentials rejected (HTTP 401)")) { try await gate.acquire() }
        #expect(try await store.dailyUsage(day: ISOTimestamp.utcDay(clock.now())) == 0, "a refused request is not counted")
        await gate.resume()
        try await gate.acquire()
    }
}
