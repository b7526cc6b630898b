import ArgumentParser
import Foundation
import GongSpool

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
    @Option(help: "Age in days of the finished recordings to prune.") var olderThan: Int
    @Flag(help: "Delete the recording rows too (ends the dedup horizon at the cutoff).") var all = false

    func validate() throws {
        guard olderThan >= 0 else { throw ValidationError("--older-than must be 0 or more days") }
    }

    func run() async throws {
        let store = try StoreOpener.open(try options.load())
        let cutoff = Date().addingTimeInterval(-Double(olderThan) * 86_400)
        let result = try await store.prune(finishedBefore: cutoff, all: all)
        print("pruned \(result.transitions) history lines" + (all ? " and \(result.recordings) recordings" : "") + "; \(result.pagesFreed) pages freed")
    }
}
