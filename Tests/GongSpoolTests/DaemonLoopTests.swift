import AsyncHTTPClient
import Foundation
import GongSpoolHTTP
import GongSpoolSQLite
import Logging
import TestSupport
import Testing

@testable import GongSpoolCore
@testable import GongSpoolDaemon

/// The daemon's loops without a process: the watchdog pings only while they turn, and a state
/// store that keeps failing is retried with growing waits, not in a tight loop.
@Suite struct DaemonLoopTests {
    @Test func theWatchdogIsNotPingedWhileALoopIsStalled() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let socket = try NotifySocket.listen(dir.file("notify"))
        defer { close(socket) }
        let clock = ManualWallClock()
        let health = DaemonHealth(clock: clock)
        let store = try SQLiteStateStore.open(path: dir.file("state.sqlite"))
        let gate = RequestGate(settings: GongSettings(), store: store, clock: clock, logger: Logger(label: "test"))
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": dir.file("notify"), "WATCHDOG_USEC": "60000000"])
        let service = NotifyService(
            notifier: notifier, store: store, gate: gate, health: health, clock: clock, progressSeconds: 30, reloading: ReloadFlag(),
            logger: Logger(label: "test"))
        func firstTick() async throws -> [String] {
            let task = Task { try await service.run() }
            var heard: [String] = []
            for _ in 0..<200 where heard.count < 2 {
                heard += NotifySocket.drain(socket)
                try await Task.sleep(for: .milliseconds(10))
            }
            task.cancel()
            _ = try? await task.value
            return heard + NotifySocket.drain(socket)
        }
        await health.beat("intake")
        await health.rest("delivery-0", seconds: 600)  // waiting at the gate for a long Retry-After: resting, not stalled
        let turning = try await firstTick()
        #expect(turning.first == "READY=1")
        #expect(turning.dropFirst().first?.hasPrefix("WATCHDOG=1") == true, "\(turning)")
        clock.advance(120)  // intake has not turned for two minutes
        let stalled = try await firstTick()
        #expect(!stalled.contains { $0.contains("WATCHDOG=1") }, "\(stalled)")
        #expect(stalled.contains { $0.contains("STALLED (intake)") }, "\(stalled)")
        #expect(await health.stalled(limit: 60) == ["intake"])
    }

    @Test func aFailingStoreIsRetriedWithGrowingWaits() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let clock = ManualWallClock()
        let store = try SQLiteStateStore.open(path: dir.file("state.sqlite"))
        try store.close()  // every query fails from now on
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        var config = Configuration()
        config.gong.baseURL = "http://127.0.0.1:9"
        let client = GongClient(
            http: http, endpoint: try GongEndpoint(baseURL: config.gong.baseURL), credentials: DeliveryHarness.credentials(),
            settings: config.gong, logger: logger)
        let gate = RequestGate(settings: config.gong, store: store, clock: clock, logger: logger)
        let delivery = RecordingDelivery(store: store, client: client, gate: gate, config: config, clock: clock, random: { 0.5 }, logger: logger)
        let health = DaemonHealth(clock: clock)
        let workers = DeliveryWorkers(
            queue: DeliveryQueue(store: store, clock: clock), delivery: delivery, workers: 1, clock: clock,
            health: health, logger: logger)
        await workers.run(untilIdle: false, idleSeconds: 0.5, shouldStop: { clock.sleeps.count >= 8 })
        try await http.shutdown()
        var waits: [Double] = []
        var previous = ManualWallClock().now()
        for deadline in clock.sleeps {
            waits.append(deadline.timeIntervalSince(previous))
            previous = deadline
        }
        #expect(waits == [0.5, 1, 2, 4, 8, 16, 30, 30], "\(waits)")
        #expect(await health.problems().contains { $0.hasPrefix("state store failing since") })
    }
}
