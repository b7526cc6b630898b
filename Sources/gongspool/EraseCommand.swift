import ArgumentParser
import Foundation
import GongSpoolCore
import GongSpoolSQLite
import Logging

/// `gongspool erase --phone NUMBER | --email ADDRESS [--yes] [--dry-run] [--local-only]`.
struct EraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a person on request: their recordings' files and personal data here, and their data in Gong.",
        discussion: """
            Finds every recording whose request (or file names, or, before a request was built, \
            sidecar) carries the number or address, whatever its state; puts the number or address \
            on the never-send list of every node sharing the state; deletes the recordings' files \
            in the spool and the archive (never through a link); replaces their personal data and \
            history with a tombstone (a re-export of the same audio or clientUniqueId is never \
            sent); asks Gong once to erase it (scope api:data-privacy:delete; through the daily \
            budget); and records all of it for `gongspool audit`. Safe while the daemon runs. \
            A file replaced at a recording's path since it was taken, or reached through a link, \
            is not deleted and is named. Exit 75 when a recording had a request on the wire or a \
            file could not be deleted (run it again in a moment); 69 when Gong refused or could \
            not be reached.
            """
    )

    @OptionGroup var options: ConfigOption
    @Option(help: "The phone number (with + and the country code, or national with privacy.countryCode).") var phone: String?
    @Option(help: "The email address.") var email: String?
    @Flag(help: "Do not ask for confirmation.") var yes = false
    @Flag(help: "Show what would be erased; change nothing.") var dryRun = false
    @Flag(help: "Erase here only; do not ask Gong (erase in Gong's web app instead).") var localOnly = false

    func validate() throws {
        if (phone == nil) == (email == nil) { throw ValidationError("give exactly one of --phone and --email") }
    }

    func run() async throws {
        let config = try options.load()
        let store = try await StoreOpener.open(config)
        let job = ErasureJob(store: store, spool: config.spool, countryCode: config.privacy.countryCode)
        let subject: ErasureSubject
        do {
            subject = try job.subject(phone: phone, email: email)
        } catch {
            printError("gongspool: \(error.description)")
            throw ExitCode(ExitStatus.dataError)
        }
        let found = try await job.recordings(carrying: subject)
        print("\(found.count) recording(s) carry \(subject.value)".escapingControlCharacters)
        for row in found.prefix(20) {
            print("  #\(row.id ?? 0) \(row.state.rawValue) \(row.audioPath ?? row.stem)".escapingControlCharacters)
        }
        if found.count > 20 { print("  … and \(found.count - 20) more") }
        let endpoint = subject.kind == "phone" ? "erase-data-for-phone-number" : "erase-data-for-email-address"
        print(localOnly ? "Gong is not asked (--local-only)" : "Gong is asked once: POST /v2/data-privacy/\(endpoint) for \(subject.value)")
        if dryRun {
            print("dry run: nothing changed")
            return
        }
        try OperatorCommand.confirm("erase \(subject.value): \(found.count) recording(s), their files, and their data in Gong", yes: yes)
        var logger = Logger(label: "gongspool")
        logger.logLevel = .error
        // The credentials are checked before anything changes.
        var session: GongSession?
        var gong: (@Sendable (ErasureSubject) async throws -> GongErasure)?
        if !localOnly {
            let opened = try await GongSession.open(config, store: store, logger: logger)
            let eraser = DataPrivacyEraser(client: opened.client, gate: opened.gate, clock: SystemWallClock(), retry: config.retry.policy)
            session = opened
            gong = { subject in try await eraser.erase(subject) }
        }
        let result = await Result(catching: {
            try await job.run(subject, command: Self.commandLine, requestedBy: Self.requester, gong: gong)
        })
        await session?.shutdown()
        let outcome = try result.get()
        let entry = outcome.entry
        print(
            "erasure #\(entry.id ?? 0): \(entry.found) found, \(entry.erased) erased, \(entry.filesDeleted) file(s) deleted"
                + (entry.filesLeft > 0 ? ", \(entry.filesLeft) left" : "") + (entry.inFlight > 0 ? ", \(entry.inFlight) in flight" : ""))
        if outcome.elsewhere > 0 {
            print("\(outcome.elsewhere) recording(s) are on another spool of the fleet: its daemon deletes their files within a poll or two")
        }
        print("Gong: \(entry.gongOutcome ?? "-")" + (entry.gongRequestId.map { " (requestId \($0))" } ?? ""))
        if entry.gongRequestId != nil {
            print(
                "Gong deletes the data within hours. Delete the person from the CRM and email system first: Gong imports them again from there.")
        }
        for left in outcome.filesLeft { printError("not deleted: \(left)".escapingControlCharacters) }
        if entry.inFlight > 0 || outcome.unfinished > 0 {
            printError("gongspool: not finished (a request on the wire, or a file that could not be deleted): run the same erase again")
            throw ExitCode(ExitStatus.tempFail)
        }
        if !localOnly, entry.gongRequestId == nil {
            printError("gongspool: Gong did not take the erasure (the local one holds): fix what it said, then run the same erase again")
            throw ExitCode(ExitStatus.unavailable)
        }
    }

    /// The command as typed, for the audit.
    static var commandLine: String {
        (["gongspool"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
    }

    /// Who asks: the login behind `sudo`, else the user; and the host.
    static var requester: String {
        let environment = ProcessInfo.processInfo.environment
        let user = environment["SUDO_USER"].flatMap { $0.isEmpty ? nil : $0 } ?? StateFiles.Owner.current.name
        return "\(user)@\(ProcessInfo.processInfo.hostName)"
    }
}
