import ArgumentParser
import Foundation
import GongSpoolCore
import GongSpoolDaemon

/// `gongspool backup PATH`: a consistent copy of the state database, while the daemon runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the state database to PATH (SQLite's online backup; safe while the daemon runs).",
        discussion: """
            PATH is a file (refused when one is there, unless --overwrite), or a folder: then the copy is \
            dated (gongspool-state-YYYYMMDD-HHMMSS.sqlite) and with --keep N only the newest N dated copies \
            stay — what the nightly gongspool-backup.timer does. To restore: stop the service, put the copy \
            in place of state.sqlite (remove state.sqlite-wal and -shm), start it.
            """
    )

    @OptionGroup var options: ConfigOption
    @Argument(help: "A file to write, or a folder for dated copies.") var path: String
    @Option(help: "Write a dated copy into the folder PATH and keep the newest N.") var keep: Int?
    @Flag(help: "Replace PATH when it is a file that exists.") var overwrite = false

    func validate() throws {
        if let keep, keep < 1 { throw ValidationError("--keep must be 1 or more") }
    }

    func run() async throws {
        let store = try await StoreOpener.open(try options.load())
        let target: String
        do {
            target = try Backups.target(for: path, dated: keep != nil, overwrite: overwrite, now: Date())
        } catch {
            printError("gongspool: \(error.description)")
            throw ExitCode(ExitStatus.cantCreate)
        }
        // A copy is written beside its place and renamed into it: a failed backup leaves an old one whole.
        let partial = target + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            try await store.backup(to: partial)
            guard rename(partial, target) == 0 else { throw RenameFailure(reason: String(cString: strerror(errno))) }
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            printError("gongspool: cannot write the backup to \(target): \(error)")
            throw ExitCode(ExitStatus.cantCreate)
        }
        print("state database copied to \(target)")
        if let keep {
            for old in Backups.rotate(in: (target as NSString).deletingLastPathComponent, keep: keep) {
                print("removed the older copy \(old)")
            }
        }
    }
}

/// A copy written beside its place that could not be renamed into it.
struct RenameFailure: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
