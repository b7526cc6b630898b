import ArgumentParser
import Foundation
import GongSpoolCore
import GongSpoolDaemon
import Logging

/// `gongspool validate PATH`: what would be sent for this file, and where each field came from?
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract:
            "Print the exact request GongSpool would send for an audio or sidecar file, and the source of every field; or its errors (exit 65).",
        discussion: """
            Uses the configured sources as the daemon does: sidecar, file-name pattern, CDR, media header, \
            user mapping (Gong's user list as last fetched into the state database) and defaults. Nothing is sent.
            """
    )

    @OptionGroup var options: ConfigOption

    @Flag(help: "Print only the request JSON (for scripts).")
    var json = false

    @Argument(help: "An audio file (its sidecar is found by name) or a sidecar file.")
    var path: String

    func run() async throws {
        var quiet = Logger(label: "gongspool")
        quiet.logLevel = .error
        // The request as the daemon builds it: with the system id its state keeps.
        let loaded = try options.loadOrDefaults()
        let state = (try? await StateStoreFactory.openExisting(loaded, logger: quiet)) ?? nil
        defer { try? state?.close() }
        var config = loaded
        if let state, let (known, _) = try? await SystemIdentity.current(loaded, store: state) { config = known }
        let directory = await UserDirectory.load(settings: config.users, store: state)
        let erasures = (try? await state?.erasures()) ?? []
        let report = FileValidation.validate(path: path, config: config, directory: directory, erasures: erasures)
        guard let request = report.request else {
            for problem in report.problems {
                printError(problem.escapingControlCharacters)
            }
            throw ExitCode(ExitStatus.dataError)
        }
        print(request.body.prettyString())
        guard !json else { return }
        print("\nSources:")
        let width = report.provenance.keys.map(\.count).max() ?? 0
        for (field, source) in report.provenance.sorted(by: { $0.key < $1.key }) {
            print(("  " + field.padding(toLength: width, withPad: " ", startingAt: 0) + "  ← " + source).escapingControlCharacters)
        }
        if !report.notes.isEmpty {
            print("\nContent (spool.minDurationSeconds, spool.silenceThresholdDb):")
            for note in report.notes { print(("  " + note).escapingControlCharacters) }
        }
    }
}
