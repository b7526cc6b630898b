import GongSpoolCore
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

#if canImport(Glibc)
    import Glibc
#endif

/// Set once a reload was accepted: the service group then ends for a restart of the pipeline,
/// not for the end of the process (systemd hears `RELOADING=1`, not `STOPPING=1`).
public final class ReloadFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    /// A flag, not set.
    public init() {}

    /// Whether a reload is under way.
    public var isSet: Bool { flag.load(ordering: .acquiring) }

    func set() { flag.store(true, ordering: .releasing) }
}

/// Waits for SIGHUP and loads the configuration again. A valid one is announced to systemd
/// (`RELOADING=1` with `MONOTONIC_USEC`; the restarted pipeline sends `READY=1`) and ends this
/// service, which shuts the group down gracefully so the daemon restarts its pipeline with it;
/// an invalid one is refused with a log line and the old configuration stays.
final class ReloadService: Service, CustomStringConvertible, Sendable {
    private let load: @Sendable () throws -> Configuration
    private let notifier: SystemdNotifier
    private let logger: Logger
    private let box = AcceptedConfiguration()
    /// Set when a reload was accepted.
    let flag = ReloadFlag()

    init(load: @escaping @Sendable () throws -> Configuration, notifier: SystemdNotifier, logger: Logger) {
        self.load = load
        self.notifier = notifier
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
                    self.flag.set()
                    self.notifier.notify("RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicroseconds())\nSTATUS=reloading the configuration")
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

extension ReloadService {
    /// `CLOCK_MONOTONIC` in microseconds, as systemd wants it with `RELOADING=1`.
    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }
}

/// Holds the configuration accepted on reload.
actor AcceptedConfiguration {
    var value: Configuration?

    func set(_ configuration: Configuration) {
        value = configuration
    }
}
