import ArgumentParser
import Foundation
import GongSpoolCore
import GongSpoolDaemon
import Logging

/// `gongspool reconcile`: does Gong list the calls GongSpool delivered?
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Check that Gong lists the delivered calls; mark those it does not as missing (exit 1 if any).",
        discussion: """
            Asks GET /v2/calls (the api:calls:read:basic scope) for the periods in which delivered \
            recordings started, one request per page of 100 calls, through the daily budget, and \
            matches by callId. A call Gong does not list becomes `missing`: `gongspool retry ID` \
            delivers it again, `accept ID` keeps it as done. Calls listed are not asked about again. \
            With gong.reconcile: true the daemon does this once a day by itself.
            """
    )

    @OptionGroup var options: ConfigOption

    @Option(help: "Recordings delivered since this time (ISO-8601, or YYYY-MM-DD in UTC); default: 7 days ago.")
    var since: String?

    @Option(help: "Leave calls delivered in the last this many hours to Gong's processing.")
    var graceHours: Double = 1

    @Option(help: "Spend at most this many requests (default: a twentieth of gong.dailyRequestLimit, at least 10).")
    var maxRequests: Int?

    func run() async throws {
        let config = try options.load()
        let now = Date()
        var start = now.addingTimeInterval(-Reconciler.defaultLookbackDays * 86_400)
        if let since {
            guard let date = ISOTimestamp.parse(since) ?? ISOTimestamp.parse(since + "T00:00:00Z") else {
                printError("gongspool: --since: expected an ISO-8601 time or YYYY-MM-DD, found \"\(since)\"")
                throw ExitCode(ExitStatus.dataError)
            }
            start = date
        }
        let store = try await StoreOpener.open(config)
        var logger = Logger(label: "gongspool")
        logger.logLevel = .error
        let session = try await GongSession.open(config, store: store, logger: logger)
        let reconciler = Reconciler(client: session.client, gate: session.gate, store: store, clock: SystemWallClock(), logger: logger)
        let result: Result<Reconciler.Outcome, any Error>
        do {
            result = .success(
                try await reconciler.run(
                    since: start, graceSeconds: max(0, graceHours) * 3600,
                    maxRequests: maxRequests ?? Daemon.reconcileRequestCap(config.gong)))
        } catch {
            result = .failure(error)
        }
        await session.shutdown()
        switch result {
        case .failure(let error):
            printError("gongspool: \(error)")
            throw ExitCode(error is Reconciler.Failure ? ExitStatus.unavailable : ExitStatus.software)
        case .success(let outcome):
            print(outcome.description)
            if outcome.checked == 0 {
                print(
                    "(only recordings delivered more than \(Bounded.text(max(0, graceHours))) h ago are checked: --grace-hours gives Gong time to list a fresh call)"
                )
            }
            for id in outcome.missing {
                if let row = try await store.find(String(id)) {
                    print("missing: #\(id) call \(row.callId ?? "-") \(row.audioPath ?? row.stem)".escapingControlCharacters)
                }
            }
            if !outcome.missing.isEmpty { throw ExitCode(1) }
        }
    }
}
