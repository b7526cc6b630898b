import ArgumentParser
import Foundation
import GongSpoolCore

/// `gongspool backup FILE`: a consistent copy of the state database, while the daemon runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the state database to FILE (SQLite's online backup; safe while the daemon runs).",
        discussion: "To restore: stop the service, put the copy in place of state.sqlite (remove state.sqlite-wal and -shm), start it."
    )

    @OptionGroup var options: ConfigOption
    @Argument(help: "Where to write the copy (must not exist).") var file: String

    func run() async throws {
        let store = try await StoreOpener.open(try options.load())
        do {
            try await store.backup(to: file)
        } catch {
            printError("gongspool: \(error.description)")
            throw ExitCode(ExitStatus.cantCreate)
        }
        print("state database copied to \(file)")
    }
}
