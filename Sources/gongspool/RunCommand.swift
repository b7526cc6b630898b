import ArgumentParser
import Foundation
import GongSpoolCore
import GongSpoolDaemon
import GongSpoolSQLite
import Logging
import Metrics
import Prometheus

/// `gongspool run`: the daemon.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon: watch the spool and deliver every recording to Gong exactly once.",
        discussion: "SIGTERM or SIGINT stop it gracefully. With --once it exits 0 when nothing is ready, in flight or waiting for a retry."
    )

    @OptionGroup var options: ConfigOption

    @Flag(help: "Deliver what is there, then exit (0 when drained, 75 when sending was halted).")
    var once = false

    @Flag(help: "Examine the spool and print what would be sent; send nothing, change nothing.")
    var dryRun = false

    @Option(help: "Log format: text (one line per event, for the journal) or json (for collectors).")
    var logFormat: LogFormat = .text

    @Option(help: "Lowest level logged: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func run() async throws {
        // A file-size limit (ulimit -f) must fail the write (EFBIG → a logged store error),
        // not kill the daemon with SIGXFSZ.
        signal(SIGXFSZ, SIG_IGN)
        ProcessMemory.limitArenas()
        let config = try options.load()
        if dryRun {
            try await runDry(config)
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let credentials: Credentials
        do {
            try config.checkForRun()
            credentials = try Credentials.load(config.gong, environment: environment)
        } catch {
            printError("gongspool: \(error.description)")
            throw ExitCode(ExitStatus.config)
        }
        // One daemon per SQLite file; a fleet refuses a second node of the same name instead.
        let lock: StateLock?
        do {
            lock = try ReloadSupervisor.lock(config)
        } catch {
            printError("gongspool: \(error)")
            throw ExitCode(ExitStatus.tempFail)
        }
        LoggingBootstrap.bootstrap(format: logFormat, level: Logger.Level(rawValue: logLevel) ?? .info)
        let registry = PrometheusCollectorRegistry()
        // In a fleet every metric names its node (the label a reload cannot change: the process's name).
        let prometheus = PrometheusMetricsFactory(registry: registry)
        MetricsSystem.bootstrap(config.state.isPostgres ? NodeLabelledMetrics(prometheus, node: config.state.nodeName) : prometheus)
        let logger = Logger(label: "gongspool")
        let supervisor = ReloadSupervisor(
            configPath: options.path, environment: environment, metricsText: { registry.emitToString() }, logger: logger)
        do {
            if case .halted(let reason) = try await supervisor.run(config, credentials: credentials, lock: lock, once: once) {
                printError("gongspool: sending halted: \(reason)")
                throw ExitCode(ExitStatus.tempFail)
            }
        } catch let exit as ExitCode {
            throw exit
        } catch let error as ConfigurationError {
            printError("gongspool: \(error.description)")
            throw ExitCode(ExitStatus.config)
        } catch let error as StoreError {
            // The fleet refused this node's name, or the state database cannot be reached.
            logger.critical("gongspool cannot use its state store", metadata: ["error": "\(error)"])
            printError("gongspool: \(error.description)")
            throw ExitCode(ExitStatus.tempFail)
        } catch let error as StateLockError {
            printError("gongspool: \(error.description)")
            throw ExitCode(ExitStatus.tempFail)
        } catch {
            logger.critical("gongspool failed", metadata: ["error": "\(error)"])
            throw ExitCode(ExitStatus.software)
        }
    }

    private func runDry(_ config: Configuration) async throws {
        do {
            try config.checkForRun()
        } catch {
            printError("gongspool: \(error.description)")
            throw ExitCode(ExitStatus.config)
        }
        var logger = Logger(label: "gongspool")
        logger.logLevel = .error
        let report = try await DryRun.run(config: config, logger: logger)
        print(RecordingListing.table(report.recordings))
        var ready = report.recordings.filter { $0.state == .ready }
        print("")
        // Recordings the real state already knows would not be sent again.
        let real = (try? await StateStoreFactory.openExisting(config, logger: logger)) ?? nil
        defer { try? real?.close() }
        if let real {
            var fresh: [Recording] = []
            for row in ready {
                if let id = row.clientUniqueId, let known = try await real.find(id) {
                    print("\(row.audioPath ?? row.stem): already known as \(id) (\(known.state.rawValue)); not sent again".escapingControlCharacters)
                } else {
                    fresh.append(row)
                }
            }
            ready = fresh
        }
        print("dry run: \(ready.count) of \(report.recordings.count) recordings would be sent (\(ready.count * 2) requests); nothing was sent.")
        for row in ready {
            print("\(row.audioPath ?? row.stem): POST /v2/calls \(row.requestJSON ?? "")".escapingControlCharacters)
        }
        // What `run` itself would say before sending any of it.
        if let refusal = try await FirstStart.refusal(config, store: real) {
            printError("gongspool: run would refuse to start: \(refusal.description)")
            throw ExitCode(ExitStatus.config)
        }
    }
}
