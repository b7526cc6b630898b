import ArgumentParser
import Foundation
import GongSpoolCore
import GongSpoolDaemon
import Logging

/// `gongspool status`: counts per state.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show how many recordings are in each state.")

    @OptionGroup var options: ConfigOption

    @Flag(help: "Print JSON: {\"states\": {state: count}, …}.")
    var json = false

    @Flag(help: "Every node of a PostgreSQL fleet: last seen, queue, leases, share of today's budget; silent nodes called out (exit 1 when one is).")
    var fleet = false

    @Flag(help: "Keep watching: on a terminal the view is redrawn in place; otherwise one line per refresh. Ctrl-C ends it.")
    var watch = false

    @Option(help: "Seconds between refreshes with --watch.")
    var interval: Double = 2

    @Option(help: "With --watch: stop after N refreshes (default: until Ctrl-C).")
    var count: Int?

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be 1 or more") }
        if !(interval.isFinite && interval >= 0.2) { throw ValidationError("--interval must be at least 0.2 seconds") }
    }

    func run() async throws {
        let config = try options.load()
        let store = try await StoreOpener.open(config)
        if fleet {
            guard var status = try await store.fleetStatus(now: Date()) else {
                printError("gongspool: no fleet: the state is a SQLite file (state.database is not a postgresql:// URL)")
                throw ExitCode(ExitStatus.config)
            }
            status.dailyLimit = config.gong.dailyRequestLimit
            print(json ? FleetReport.json(status) : FleetReport.table(status, now: Date()))
            if !status.silentNodes.isEmpty { throw ExitCode(1) }
            return
        }
        let terminal = isatty(STDOUT_FILENO) == 1
        var left = watch ? count ?? Int.max : 1
        repeat {
            var report = try await StatusReport.make(store: store, config: config, now: Date())
            report.daemons = await DaemonPresence.find(config, store: store)
            if !watch {
                print(json ? report.json : report.table)
            } else if terminal {
                // Home, clear, then the whole view: redrawn in place.
                print("\u{1B}[H\u{1B}[2J" + report.table + "\n\nrefreshed every \(Bounded.text(interval)) s — Ctrl-C to stop")
            } else {
                print(report.line)
            }
            fflush(nil)
            left -= 1
            if left > 0 { try await Task.sleep(for: Bounded.duration(seconds: interval)) }
        } while left > 0
    }
}

/// `gongspool list`: the recordings.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List recordings, optionally in one state.")

    @OptionGroup var options: ConfigOption

    @Option(help: "Only recordings in this state.")
    var state: String?

    @Option(help: "Only recordings changed since this time (ISO-8601, or a date YYYY-MM-DD in UTC).")
    var since: String?

    @Option(help: "Only the newest N recordings, newest first.")
    var limit: Int?

    @Flag(help: "Print a JSON array.")
    var json = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be 1 or more") }
    }

    func run() async throws {
        let config = try options.load()
        var cutoff: Date?
        if let since {
            guard let date = ISOTimestamp.parse(since) ?? ISOTimestamp.parse(since + "T00:00:00Z") else {
                printError("gongspool: --since: expected an ISO-8601 time or YYYY-MM-DD, found \"\(since)\"")
                throw ExitCode(ExitStatus.dataError)
            }
            cutoff = date
        }
        var filter: Set<RecordingState>?
        if let state {
            guard let parsed = RecordingState(rawValue: state) else {
                printError("gongspool: unknown state \(state); one of \(RecordingState.allCases.map(\.rawValue).joined(separator: ", "))")
                throw ExitCode(ExitStatus.dataError)
            }
            filter = [parsed]
        }
        let store = try await StoreOpener.open(config)
        let listing = RecordingListingWriter(
            states: filter, changedSince: cutoff, newest: limit, halted: try await store.meta(.sendingHalted), format: json ? .json : .table)
        var out = BufferedOutput()
        try await listing.write(from: store) { out.write($0) }
        out.flush()
    }
}

/// Opens the state store for the operator commands, or exits with a clear message.
enum StoreOpener {
    static func open(_ config: Configuration) async throws -> any StateStore {
        var logger = Logger(label: "gongspool")
        logger.logLevel = .error
        do {
            return try await StateStoreFactory.open(config, as: .operator, logger: logger)
        } catch let error as ConfigurationError {
            printError("gongspool: \(error.description)")
            throw ExitCode(ExitStatus.config)
        } catch {
            printError("gongspool: \(error)")
            throw ExitCode(ExitStatus.unavailable)
        }
    }
}
