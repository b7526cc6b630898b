import AsyncHTTPClient
import Foundation
import GongSimulator
import GongSpoolCore
import GongSpoolDaemon
import GongSpoolHTTP
import Logging

/// `stores RECORDINGS`: the same work on the embedded SQLite store and on PostgreSQL (the URL in
/// `GONGSPOOL_BENCH_POSTGRES_URL`, a server `pipeline.sh` starts), in one run:
/// - deliveries per second: the in-process daemon (`run --once`) takes RECORDINGS recordings
///   from a spool to `done` against an unthrottled simulator;
/// - claims per second: RECORDINGS new rows each claimed for its `clientUniqueId`, one after the
///   other (the fleet-wide claim: an advisory lock and a unique column on PostgreSQL).
extension PipelineBench {
    static func stores(recordings: Int, logger: Logger) async throws {
        guard let base = ProcessInfo.processInfo.environment["GONGSPOOL_BENCH_POSTGRES_URL"] else {
            FileHandle.standardError.write(Data("stores: set GONGSPOOL_BENCH_POSTGRES_URL (pipeline.sh starts a server)\n".utf8))
            exit(64)
        }
        // Each measurement gets a database of its own: base URL + a suffix pipeline.sh created.
        var results: [(String, Double, Double)] = []
        for (name, database) in [("SQLite", nil as String?), ("PostgreSQL", base + "_deliver")] {
            let delivered = try await deliveries(recordings: recordings, database: database, logger: logger)
            let claimed = try await claims(recordings: recordings, database: database.map { _ in base + "_claim" }, logger: logger)
            results.append((name, delivered, claimed))
        }
        for (name, delivered, claimed) in results {
            print(String(format: "stores %@: %.0f deliveries/s, %.0f claims/s (%d recordings)", name, delivered, claimed, recordings))
        }
        let (_, sqliteDeliveries, sqliteClaims) = results[0]
        let (_, pgDeliveries, pgClaims) = results[1]
        print(String(format: "stores PostgreSQL vs SQLite: deliveries %.2fx, claims %.2fx", pgDeliveries / sqliteDeliveries, pgClaims / sqliteClaims))
    }

    /// Recordings per second from spool to `done`; `database` nil is SQLite.
    static func deliveries(recordings: Int, database: String?, logger: Logger) async throws -> Double {
        var options = SimulatorOptions()
        options.requestsPerSecond = 0
        options.dailyLimit = 1_000_000_000
        let spool = try temporaryDirectory("stores")
        let state = try temporaryDirectory("stores-state")
        defer {
            try? FileManager.default.removeItem(atPath: spool)
            try? FileManager.default.removeItem(atPath: state)
        }
        for i in 0..<recordings { try write(spool, "r\(i)", id: "stores:\(i)", seed: i) }
        let credentials = Credentials(accessKey: options.accessKey, accessKeySecret: options.accessKeySecret, source: "bench")
        return try await GongSimulator.withRunning(options: options) { sim in
            var config = daemonConfiguration(spool: spool, state: state, baseURL: sim.baseURL)
            if let database { config.state.database = database }
            config.state.node = "bench"
            config.spool.pollIntervalSeconds = 0.05
            config.gong.requestsPerSecond = 1_000_000
            config.gong.dailyRequestLimit = 1_000_000_000
            config.gong.maxConcurrentUploads = 4
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: GongClient.httpConfiguration(config.gong))
            let daemon = try await Daemon.open(config: config, credentials: credentials, http: http, logger: logger)
            let start = Date()
            let result = try await daemon.runOnce()
            let wall = Date().timeIntervalSince(start)
            let done = try await daemon.store.countsByState()[.done] ?? 0
            precondition(result == .drained && done == recordings, "not drained: \(result), \(done) done")
            try daemon.store.close()
            try await http.shutdown()
            return Double(recordings) / wall
        }
    }

    /// Claims per second of new rows, one after the other; `database` nil is SQLite.
    static func claims(recordings: Int, database: String?, logger: Logger) async throws -> Double {
        let state = try temporaryDirectory("claims")
        defer { try? FileManager.default.removeItem(atPath: state) }
        var config = GongSpoolCore.Configuration()
        config.spool.directory = state
        config.state.database = database ?? state + "/state.sqlite"
        config.state.node = "bench"
        let store = try await StateStoreFactory.open(config, as: .daemon, logger: logger)
        defer { try? store.close() }
        let now = Date()
        let rows = try await store.insert(
            (0..<recordings).map { (stem: "c\($0)", lifecycle: RecordingLifecycle.seen(reason: "bench"), evidence: Evidence()) }, now: now)
        let context = EventContext(now: now)
        let start = Date()
        for (index, row) in rows.enumerated() {
            guard let id = row.id else { continue }
            _ = try await store.claim(id, clientUniqueId: "claim:\(index)", evidence: Evidence(sha256: "h\(index)"), context: context)
        }
        let wall = Date().timeIntervalSince(start)
        let owners = try await store.countsByState()[.ready] ?? 0
        precondition(owners == recordings, "not every claim owned its id: \(owners)")
        return Double(recordings) / wall
    }
}
