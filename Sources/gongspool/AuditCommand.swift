import ArgumentParser
import Foundation
import GongSpoolCore
import Logging

/// `gongspool audit [--verify] [--json]`: the erasures asked for, and whether Gong finished them.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List the erasures asked for (gongspool erase): when, by whom, what was found and done, Gong's answer.",
        discussion: """
            Each erasure's number or address stays on the never-send list of every node sharing the state. \
            Gong deletes within hours and says so only by listing less: --verify asks Gong (GET /v2/data-privacy/data-for-…, \
            scope api:data-privacy:read, one request per number or address through the daily budget) what it still lists \
            for every erasure it accepted and has not been seen to finish, and keeps the answer; the first answer without a \
            call confirms the erasure. Exit 69 when Gong could not be asked about one of them.
            """
    )

    @OptionGroup var options: ConfigOption
    @Flag(help: "Print JSON: one object per erasure.") var json = false
    @Flag(help: "Ask Gong what it still lists of each erasure it accepted and has not been seen to finish.") var verify = false

    func run() async throws {
        let config = try options.load()
        let store = try await StoreOpener.open(config)
        var unanswered = 0
        if verify { unanswered = try await verifyWithGong(config, store: store) }
        let erasures = try await store.erasures()
        if json {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .custom { date, encoder in
                var container = encoder.singleValueContainer()
                try container.encode(ISOTimestamp.format(date))
            }
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(erasures), as: UTF8.self))
        } else {
            print(Self.text(erasures))
        }
        if unanswered > 0 { throw ExitCode(ExitStatus.unavailable) }
    }

    /// The audit for people.
    static func text(_ erasures: [ErasureRecord]) -> String {
        if erasures.isEmpty { return "no erasures" }
        return erasures.map { erasure in
            let finished = erasure.finishedAt.map { "finished \(ISOTimestamp.format($0))" } ?? "not finished"
            let lines = [
                "#\(erasure.id ?? 0) \(ISOTimestamp.format(erasure.requestedAt)) \(erasure.kind) \(erasure.subject) by \(erasure.requestedBy) (\(finished))",
                "  found \(erasure.found), erased \(erasure.erased), files deleted \(erasure.filesDeleted), left \(erasure.filesLeft), in flight \(erasure.inFlight)",
                "  Gong: \(erasure.gongOutcome ?? "-")" + (erasure.gongRequestId.map { " (requestId \($0))" } ?? ""),
            ]
            var checks: [String] = []
            if let confirmed = erasure.gongConfirmedAt {
                checks.append("  Gong listed no call with it on \(ISOTimestamp.format(confirmed)): erasure complete")
            } else if let checked = erasure.gongCheckedAt {
                checks.append("  Gong on \(ISOTimestamp.format(checked)): \(erasure.gongCheck ?? "-")")
            } else if erasure.gongAccepted {
                checks.append("  Gong not asked yet whether it finished: gongspool audit --verify")
            }
            return (lines + checks + ["  command: \(erasure.command)"]).map(\.escapingControlCharacters).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Asks Gong about every erasure it accepted and has not been seen to finish; prints what
    /// came of it and returns how many could not be asked.
    private func verifyWithGong(_ config: Configuration, store: any StateStore) async throws -> Int {
        let verification = ErasureVerification(store: store, clock: SystemWallClock())
        let open = try await verification.open()
        guard !open.isEmpty else {
            printError("nothing to ask Gong: every erasure it accepted is confirmed complete (or there is none)")
            return 0
        }
        var logger = Logger(label: "gongspool")
        logger.logLevel = .error
        let session = try await GongSession.open(config, store: store, logger: logger)
        let eraser = DataPrivacyEraser(client: session.client, gate: session.gate, clock: SystemWallClock(), retry: config.retry.policy)
        let result = await Result(catching: { try await verification.run(open) { try await eraser.verify($0) } })
        await session.shutdown()
        let outcome = try result.get()
        printError(
            "asked Gong about \(outcome.asked) erasure subject(s): \(outcome.complete) complete, \(outcome.pending) still listed, "
                + "\(outcome.unanswered) could not be asked")
        return outcome.unanswered
    }
}
