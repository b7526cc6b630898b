import AsyncHTTPClient
import Foundation
import GongSimulator
import GongSpoolCore
import GongSpoolDaemon
import GongSpoolHTTP
import GongSpoolSQLite
import Logging

/// A spool, a state directory and a configuration pointing at a simulator, for running the
/// real pipeline in-process (``runOnce(_:configure:)``) or as a child process.
public struct DeliveryHarness: Sendable {
    /// The spool.
    public let spool: TemporaryDirectory
    /// State and archive live here.
    public let work: TemporaryDirectory

    /// Creates the directories.
    public init() throws {
        spool = try TemporaryDirectory("spool")
        work = try TemporaryDirectory("work")
    }

    /// A harness over directories the caller made (and removes).
    public init(spool: TemporaryDirectory, work: TemporaryDirectory) {
        self.spool = spool
        self.work = work
    }

    /// The state database path.
    public var database: String { work.file("state.sqlite") }

    /// A configuration for `simulator` with fast settle and retry times.
    public func configuration(_ simulator: GongSimulator) -> Configuration {
        var config = Configuration()
        config.spool.directory = spool.path
        config.spool.recursive = true
        config.spool.settleSeconds = 0.1
        config.spool.pollIntervalSeconds = 0.1
        config.spool.minDurationSeconds = 0  // the fixtures are seconds long; content tests set it
        config.gong.baseURL = simulator.baseURL
        config.gong.requestsPerSecond = 50
        config.gong.readTimeoutSeconds = 5
        config.retry.initialBackoffSeconds = 0.05
        config.retry.maxBackoffSeconds = 0.2
        config.state.database = database
        config.metrics.listen = ""
        return config
    }

    /// The simulator's default credentials.
    public static func credentials(_ options: SimulatorOptions = SimulatorOptions()) -> Credentials {
        Credentials(accessKey: options.accessKey, accessKeySecret: options.accessKeySecret, source: "test")
    }

    /// The environment that gives a child `gongspool` the simulator's credentials.
    public static func environment(_ options: SimulatorOptions = SimulatorOptions()) -> [String: String] {
        ["GONG_ACCESS_KEY": options.accessKey, "GONG_ACCESS_KEY_SECRET": options.accessKeySecret]
    }

    /// Runs `gongspool run --once` in-process against `simulator`.
    public func runOnce(
        _ simulator: GongSimulator, credentials: Credentials = credentials(),
        configure: (inout Configuration) -> Void = { _ in }
    ) async throws -> Daemon.OnceResult {
        var config = configuration(simulator)
        configure(&config)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: GongClient.httpConfiguration(config.gong))
        do {
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let daemon = try Daemon(config: config, credentials: credentials, http: http, logger: logger)
            let result = try await daemon.runOnce()
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// Takes the spool's settled pairs into the queue (`ready`) without sending anything, on a
    /// manual clock, and returns the state store.
    public func takeIntoQueue() async throws -> StateStore {
        let store = try SQLiteStateStore.open(path: database)
        let clock = ManualWallClock()
        var config = Configuration()
        config.spool.directory = spool.path
        config.spool.settleSeconds = 1
        config.spool.minDurationSeconds = 0
        let intake = try SpoolIntake(config: config, store: store, clock: clock, logger: Logger(label: "test"))
        try await intake.poll()
        clock.advance(2)
        try await intake.poll()
        return store
    }

    /// Runs a simulator with `options`, drains the spool into it with ``runOnce(_:credentials:configure:)``
    /// (which must report `.drained`), and returns the simulator's record.
    public func drain(_ options: SimulatorOptions = SimulatorOptions(), configure: @escaping @Sendable (inout Configuration) -> Void = { _ in })
        async throws -> SimulatorSnapshot
    {
        try await GongSimulator.withRunning(options: options) { sim in
            let result = try await runOnce(sim, configure: configure)
            guard result == .drained else { throw DrainError.notDrained(result) }
            return await sim.state.snapshot()
        }
    }

    /// ``drain(_:configure:)`` ended otherwise than drained.
    public enum DrainError: Error {
        /// The run's result.
        case notDrained(Daemon.OnceResult)
    }

    /// Writes a YAML configuration for the child-process tests.
    /// `spool`, `gong` and `state` add keys to those sections (one `key: value` per line; one the
    /// test defaults set replaces it, e.g. `database: postgresql://…`), `retry` replaces the fast
    /// test retry timing; `extra` adds sections. The duration floor is off (the fixtures are seconds long) unless `spool` sets
    /// `minDurationSeconds`.
    public func writeConfig(
        _ simulator: GongSimulator, metricsListen: String = "", spool spoolKeys: [String] = [], gong gongKeys: [String] = [],
        retry: [String] = ["initialBackoffSeconds: 0.05", "maxBackoffSeconds: 0.2"], state stateKeys: [String] = [], extra: String = ""
    ) throws -> String {
        try writeConfig(
            baseURL: simulator.baseURL, metricsListen: metricsListen, spool: spoolKeys, gong: gongKeys, retry: retry, state: stateKeys, extra: extra)
    }

    /// ``writeConfig(_:metricsListen:spool:gong:retry:state:extra:)`` for a Gong at `baseURL`
    /// (a simulator run as its own process, say).
    public func writeConfig(
        baseURL: String, metricsListen: String = "", spool spoolKeys: [String] = [], gong gongKeys: [String] = [],
        retry: [String] = ["initialBackoffSeconds: 0.05", "maxBackoffSeconds: 0.2"], state stateKeys: [String] = [], extra: String = ""
    ) throws -> String {
        // A key given in `spool`/`gong` replaces the test default of the same name.
        func lines(_ defaults: [String], _ given: [String]) -> String {
            let overridden = Set(given.map { $0.prefix { $0 != ":" } })
            return (defaults.filter { !overridden.contains($0.prefix { $0 != ":" }) } + given).map { "  " + $0 }.joined(separator: "\n")
        }
        let spoolDefaults = [
            "directory: \(spool.path)", "recursive: true", "settleSeconds: 0.1", "pollIntervalSeconds: 0.1", "minDurationSeconds: 0",
        ]
        // A read timeout ends a hung request; it must not time a slow machine: an answer that
        // comes late on a loaded CI machine would make the request in doubt and send it again,
        // and tests count the requests Gong saw. Tests of timeouts set their own.
        let gongDefaults = ["baseURL: \(baseURL)", "requestsPerSecond: 50", "readTimeoutSeconds: 120"]
        return try work.write(
            "gongspool.yaml",
            text: """
                spool:
                \(lines(spoolDefaults, spoolKeys))
                gong:
                \(lines(gongDefaults, gongKeys))
                retry:
                \(retry.map { "  " + $0 }.joined(separator: "\n"))
                state:
                \(lines(["database: \(database)"], stateKeys))
                metrics:
                  listen: "\(metricsListen)"
                \(extra)
                """)
    }

    /// Removes the directories.
    public func remove() {
        spool.remove()
        work.remove()
    }
}
