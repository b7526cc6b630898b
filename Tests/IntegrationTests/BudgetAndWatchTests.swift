import Foundation
import GongSimulator
import GongSpoolCore
import GongSpoolDaemon
import GongSpoolSQLite
import TestSupport
import Testing

/// The daily budget is never exceeded and the drain time is estimated; a backlog goes newest
/// first with fairness; inotify takes a new file at the settle time, `watch: poll` never does.
@Suite struct BudgetAndWatchTests {
    static let env = DeliveryHarness.environment()

    /// Writes `count` recordings whose audio mtimes go back one hour each (index 0 is newest).
    func backlog(_ h: DeliveryHarness, count: Int) throws {
        for i in 0..<count {
            try h.spool.writeRecording("b/\(i)", id: "age:\(i)", audio: Fixtures.wav(seconds: 0.1, seed: 200 + i))
            let time = Date().addingTimeInterval(-3600 * Double(i + 1))
            var times = [timeval(tv_sec: Int(time.timeIntervalSince1970), tv_usec: 0), timeval(tv_sec: Int(time.timeIntervalSince1970), tv_usec: 0)]
            utimes(h.spool.file("b/\(i).wav"), &times)
        }
    }

    @Test func aBacklogGoesNewestFirstAndTheOldestStillMoves() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try backlog(h, count: 8)
        _ = try await h.takeIntoQueue()
        var options = SimulatorOptions()
        options.requestsPerSecond = 0
        let snapshot = try await h.drain(options) { $0.gong.maxConcurrentUploads = 1 }
        #expect(
            snapshot.exactlyOnceProblems(Dictionary(uniqueKeysWithValues: snapshot.calls.values.map { ($0.clientUniqueId, $0.mediaSHA256 ?? "") }))
                .isEmpty)
        #expect(snapshot.calls.count == 8)
        // The order in which each recording's create began, from the state history.
        let store = try SQLiteStateStore.open(path: h.database)
        var firstCreate: [(String, Date)] = []
        for row in try await store.recordings() {
            let history = try await store.history(of: try #require(row.id))
            if let created = history.first(where: { $0.toState == .creating }) { firstCreate.append((row.clientUniqueId ?? "", created.at)) }
        }
        let sequence = firstCreate.sorted { $0.1 < $1.1 }.map(\.0)
        #expect(Array(sequence.prefix(3)) == ["age:0", "age:1", "age:2"], "newest first: \(sequence)")
        #expect(sequence[3] == "age:7", "every fourth pick takes the oldest: \(sequence)")
    }

    @Test func theDailyBudgetIsNeverExceededAndStatusEstimatesTheDrain() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        _ = try h.addBacklog(count: 6, prefix: "budget")
        var options = SimulatorOptions()
        options.requestsPerSecond = 0
        options.dailyLimit = 5
        let snapshot = try await GongSimulator.withRunning(options: options) { sim in
            let run = Task {
                try await h.runOnce(sim) {
                    $0.gong.dailyRequestLimit = 5
                    $0.spool.backfill = .all
                }
            }
            // Wait until the budget is spent, then a little longer.
            for _ in 0..<200 where await sim.state.snapshot().requests.count < 5 {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .seconds(1))
            run.cancel()
            _ = try? await run.value
            return await sim.state.snapshot()
        }
        #expect(snapshot.requests.count == 5, "the simulator never saw more than the budget: \(snapshot.requests.map(\.status))")
        #expect(!snapshot.requests.contains { $0.status == 429 })
        var config = Configuration()
        config.gong.dailyRequestLimit = 5
        let store = try SQLiteStateStore.open(path: h.database)
        let report = try await StatusReport.make(store: store, config: config, now: Date())
        #expect(report.requestsToday == 5)
        #expect(report.facts.requestsNeeded == 7, "12 requests for 6 recordings, 5 spent")
        #expect(
            report.drainSeconds > 86_400 - Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) - 5, "waits for the next UTC days")
    }

    /// Starts the daemon with an hour's poll interval, then writes a recording into a new dated
    /// folder and waits up to `window` seconds for Gong to have it. No claim on how fast: a
    /// loaded machine may take seconds; only inotify can take it before the next poll.
    func newFolderLatency(watch: String, window: Double) async throws -> (seconds: Double?, log: String) {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let log = h.work.file("daemon.log")
        return try await GongSimulator.withRunning { sim in
            let config = try h.work.write(
                "c.yaml",
                text: """
                    spool:
                      directory: \(h.spool.path)
                      recursive: true
                      settleSeconds: 0.3
                      pollIntervalSeconds: 3600
                      minDurationSeconds: 0
                      watch: \(watch)
                    gong:
                      baseURL: \(sim.baseURL)
                      requestsPerSecond: 50
                    state:
                      database: \(h.database)
                    metrics:
                      listen: ""
                    """)
            let daemon = try Binary.start(["run", "--config", config], environment: Self.env, log: log)
            defer { kill(daemon.processIdentifier, SIGKILL) }
            for _ in 0..<100 where !((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("watching the spool") {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .milliseconds(500))
            let written = Date()
            try h.spool.writeRecording("2026/11/23/fresh", id: "pbx:fresh", audio: Fixtures.wav(seconds: 0.2, seed: 300))
            var seconds: Double?
            while Date().timeIntervalSince(written) < window {
                if await sim.state.snapshot().calls.values.contains(where: { $0.mediaSHA256 != nil }) {
                    seconds = Date().timeIntervalSince(written)
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            kill(daemon.processIdentifier, SIGTERM)
            await Binary.waitForExit(daemon)
            return (seconds, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
        }
    }

    @Test func inotifyTakesAFileInANewFolderWellBeforeTheNextPoll() async throws {
        let (seconds, log) = try await newFolderLatency(watch: "auto", window: 120)
        #expect(log.contains("watching the spool with inotify"), "\(log.suffix(800))")
        #expect(seconds != nil, "not delivered within 2 minutes although only inotify could take it before the next poll (1 h)")
    }

    @Test func watchPollNeverUsesInotify() async throws {
        let (seconds, log) = try await newFolderLatency(watch: "poll", window: 8)
        #expect(log.contains("polling only"))
        #expect(!log.contains("with inotify"))
        #expect(seconds == nil, "taken after \(seconds ?? 0) s: only the next poll (1 h) may take it")
    }
}
