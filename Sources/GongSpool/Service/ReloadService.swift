import Logging
import ServiceLifecycle
import UnixSignals

/// Waits for SIGHUP and loads the configuration again. A valid one ends this service, which
/// shuts the group down gracefully so the daemon restarts its pipeline with it; an invalid
/// one is refused with a log line and the old configuration stays.
final class ReloadService: Service, CustomStringConvertible, Sendable {
    private let load: @Sendable () throws -> Configuration
    private let logger: Logger
    private let box = AcceptedConfiguration()

    init(load: @escaping @Sendable () throws -> Configuration, logger: Logger) {
        self.load = load
        self.logger = logger
    }

    var description: String { "ReloadService" }

    /// The configuration accepted on SIGHUP, if any.
    var accepted: Configuration? {
        get async { await box.value }
    }

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                do {
                    let next = try self.load()
                    try next.checkForRun()
                    await self.box.set(next)
                    return
                } catch let error as ConfigurationError {
                    self.logger.error("configuration reload refused; the old configuration stays", metadata: ["reason": "\(error.description)"])
                } catch {
                    self.logger.error("configuration reload refused; the old configuration stays", metadata: ["reason": "\(error)"])
                }
            }
        }
    }
}

/// Holds the configuration accepted on reload.
actor AcceptedConfiguration {
    var value: Configuration?

    func set(_ configuration: Configuration) {
        value = configuration
    }
}
