import ArgumentParser
import Foundation
import GongSpoolCore

/// `gongspool prune --older-than DAYS [--all]`: keeps the state database small.
struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove the history of recordings finished more than DAYS ago, and compact the database.",
        discussion: """
            Rows of done, duplicate and skipped recordings keep their clientUniqueId, so a re-exported \
            recording is still recognised; only their transition history goes. With --all the rows go \
            too: recordings finished before the cutoff are then no longer recognised as duplicates.
            """
    )

    @OptionGroup var options: ConfigOption
    @Option(help: "Age in days of the finished recordings to prune (default: state.historyDays).") var olderThan: Int?
    @Flag(help: "Delete the recording rows too (ends the dedup horizon at the cutoff).") var all = false
    @Flag(help: "Do not ask for confirmation (with --all).") var yes = false

    func validate() throws {
        guard (olderThan ?? 0) >= 0 else { throw ValidationError("--older-than must be 0 or more days") }
    }

    func run() async throws {
        let config = try options.load()
        let days = olderThan.map(Double.init) ?? config.state.historyDays
        guard olderThan != nil || days > 0 else {
            throw ValidationError("give --older-than DAYS, or set state.historyDays (then the daemon prunes every hour by itself)")
        }
        let olderThan = Bounded.text(days)
        let store = try await StoreOpener.open(config)
        let cutoff = Date().addingTimeInterval(-days * 86_400)
        if all {
            try OperatorCommand.confirm("delete the rows of recordings finished more than \(olderThan) days ago", yes: yes)
        }
        let walk = SpoolWalk(root: config.spool.directory, recursive: config.spool.recursive)
        let result = try await store.prune(finishedBefore: cutoff, all: all) { row in
            // A file that is there, or cannot be looked at, keeps its row.
            [row.audioPath, row.sidecarPath].compactMap { $0 }.contains { path in
                if case .gone = walk.restat(path) { return false }
                return true
            }
        }
        var line = "pruned \(result.transitions) history lines"
        if all { line += " and \(result.recordings) recordings (\(result.keptInSpool) kept: their files are still in the spool)" }
        print(line + "; \(result.pagesFreed) pages freed")
    }
}
