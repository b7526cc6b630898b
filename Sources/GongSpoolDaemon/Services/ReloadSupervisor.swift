import AsyncHTTPClient
import Foundation
import GongSpoolCore
import GongSpoolHTTP
import GongSpoolSQLite
import Logging

/// Runs the daemon one configuration after another. Each generation opens its own HTTP client
/// and state store (and, for a SQLite state, holds its lock); a SIGHUP with a valid
/// configuration ends the generation gracefully, everything it opened is closed — an old
/// PostgreSQL client included — and the next generation starts with the new configuration.
/// Whatever ends a generation (a stop, a reload, an error), what it opened is closed once.
public struct ReloadSupervisor: Sendable {
    /// How the daemon ended.
    public enum Outcome: Sendable, Equatable {
        /// SIGTERM/SIGINT, or (`once`) nothing left to do.
        case stopped
        /// (`once`) Sending was halted (credentials rejected, a wrong base URL).
        case halted(String)
    }

    private let configPath: String
    private let environment: [String: String]
    private let metricsText: @Sendable () -> String
    private let logger: Logger

    /// A supervisor that reloads the configuration from `configPath` (and the credentials from
    /// the environment, files or systemd credentials) on SIGHUP.
    public init(configPath: String, environment: [String: String], metricsText: @escaping @Sendable () -> String, logger: Logger) {
        self.configPath = configPath
        self.environment = environment
        self.metricsText = metricsText
        self.logger = logger
    }

    /// Runs with `config` until the process should end; `lock` is the state lock already taken
    /// for `config` (a reload that moves the SQLite state takes the new one first).
    public func run(_ config: Configuration, credentials: Credentials, lock: StateLock?, once: Bool) async throws -> Outcome {
        var config = config
        var credentials = credentials
        var lock = lock
        while true {
            let ending = try await generation(config, credentials: credentials, once: once)
            guard case .reload(let next) = ending else {
                withExtendedLifetime(lock) {}
                if case .halted(let reason) = ending { return .halted(reason) }
                return .stopped
            }
            if next.state.database != config.state.database {
                lock = try Self.lock(next)
            }
            credentials = try Credentials.load(next.gong, environment: environment)
            config = next
        }
    }

    /// The state lock `config`'s SQLite state needs (a fleet's nodes are told apart by name instead).
    public static func lock(_ config: Configuration) throws -> StateLock? {
        config.state.isPostgres ? nil : try StateLock.acquire(database: config.state.database)
    }

    private enum Ending {
        case stopped
        case halted(String)
        case reload(Configuration)
    }

    /// One generation: opens, runs, and closes the HTTP client and the store however it ends.
    private func generation(_ config: Configuration, credentials: Credentials, once: Bool) async throws -> Ending {
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: GongClient.httpConfiguration(config.gong))
        let outcome: Result<Ending, any Error>
        do {
            let daemon = try await Daemon.open(config: config, credentials: credentials, http: http, logger: logger)
            outcome = await Result { () async throws -> Ending in try await run(daemon, once: once) }
            do {
                try daemon.store.close()
            } catch {
                logger.warning("the state store did not close cleanly", metadata: ["error": "\(error)"])
            }
        } catch {
            outcome = .failure(error)
        }
        try? await http.shutdown()
        return try outcome.get()
    }

    private func run(_ daemon: Daemon, once: Bool) async throws -> Ending {
        if once {
            if case .halted(let reason) = try await daemon.runOnce() { return .halted(reason) }
            return .stopped
        }
        let (path, environment) = (configPath, environment)
        let outcome = try await daemon.run(
            reload: {
                let next = try ConfigurationLoader.load(path: path)
                _ = try Credentials.load(next.gong, environment: environment)
                return next
            }, metricsText: metricsText)
        guard case .reload(let next) = outcome else { return .stopped }
        return .reload(next)
    }
}
