import ArgumentParser
import Foundation
import GongSpoolCore

/// `gongspool audit [--json]`: the erasures asked for.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List the erasures asked for (gongspool erase): when, by whom, what was found and done, Gong's answer.",
        discussion: "Each erasure's number or address stays on the never-send list of every node sharing the state."
    )

    @OptionGroup var options: ConfigOption
    @Flag(help: "Print JSON: one object per erasure.") var json = false

    func run() async throws {
        let erasures = try await StoreOpener.open(try options.load()).erasures()
        if json {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .custom { date, encoder in
                var container = encoder.singleValueContainer()
                try container.encode(ISOTimestamp.format(date))
            }
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(erasures), as: UTF8.self))
            return
        }
        if erasures.isEmpty { print("no erasures") }
        for erasure in erasures {
            let finished = erasure.finishedAt.map { "finished \(ISOTimestamp.format($0))" } ?? "not finished"
            let lines = [
                "#\(erasure.id ?? 0) \(ISOTimestamp.format(erasure.requestedAt)) \(erasure.kind) \(erasure.subject) by \(erasure.requestedBy) (\(finished))",
                "  found \(erasure.found), erased \(erasure.erased), files deleted \(erasure.filesDeleted), left \(erasure.filesLeft), in flight \(erasure.inFlight)",
                "  Gong: \(erasure.gongOutcome ?? "-")" + (erasure.gongRequestId.map { " (requestId \($0))" } ?? ""),
                "  command: \(erasure.command)",
            ]
            for line in lines { print(line.escapingControlCharacters) }
        }
    }
}
