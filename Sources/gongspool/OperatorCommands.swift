import ArgumentParser
import Foundation
import GongSpoolCore

/// `gongspool show ID`: one recording and its whole history.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one recording (row id, clientUniqueId or path) with every transition.")

    @OptionGroup var options: ConfigOption
    @Argument(help: "Row id, clientUniqueId, or path relative to the spool.") var id: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let store = try await StoreOpener.open(try options.load())
        let actions = OperatorActions(store: store)
        let row = try await OperatorCommand.perform { try await actions.find(id) }
        let history = try await store.history(of: row.id ?? 0)
        let halted = try await store.meta(.sendingHalted)
        print(
            json ? RecordingListing.detailJSON(row, history: history, halted: halted) : RecordingListing.detail(row, history: history, halted: halted)
        )
    }
}

extension RecordingState: ExpressibleByArgument {}

/// `gongspool retry`.
struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry", abstract: "Try a held, waiting, rejected, orphaned, skipped, duplicate or missing recording again now.",
        discussion:
            "Held and waiting recordings resume where they stopped; the others are examined again by intake. A recording that owns a Gong call keeps its clientUniqueId and call. A recording skipped or held by the content checks (too short, silent, cut) is sent anyway. A missing one (not listed by Gong) is delivered again under its clientUniqueId."
    )

    @OptionGroup var options: ConfigOption
    @Argument(help: "Row id, clientUniqueId, or path.") var id: String?
    @Flag(help: "Retry every held recording.") var allHeld = false
    @Flag(help: "Retry every rejected recording (after fixing a cause that rejected many).") var allRejected = false
    @Option(help: "Retry every recording in this state (held, waiting, rejected, orphaned, skipped, duplicate, missing).") var state: RecordingState?
    @Flag(help: "Do not ask for confirmation.") var yes = false

    /// The states chosen by the bulk flags.
    var states: Set<RecordingState> {
        var out: Set<RecordingState> = []
        if allHeld { out.insert(.held) }
        if allRejected { out.insert(.rejected) }
        if let state { out.insert(state) }
        return out
    }

    func validate() throws {
        guard (id == nil) != states.isEmpty, [allHeld, allRejected, state != nil].filter({ $0 }).count <= 1 else {
            throw ValidationError("give either an ID, --all-held, --all-rejected or --state")
        }
    }

    func run() async throws {
        try await OperatorCommand.apply(id: id, all: !states.isEmpty, in: states, verb: "retry", yes: yes, options: options) {
            try await $0.retry($1)
        }
    }
}

/// `gongspool hold ID`.
struct HoldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold", abstract: "Park a queued recording: the daemon leaves it alone until released.")

    @OptionGroup var options: ConfigOption
    @Argument(help: "Row id, clientUniqueId, or path.") var id: String

    func run() async throws {
        try await OperatorCommand.apply(id: id, all: false, in: [], verb: "hold", yes: true, options: options) { try await $0.hold($1) }
    }
}

/// `gongspool release`.
struct ReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release", abstract: "Put held recordings back in the queue (also resumes sending halted by rejected credentials).")

    @OptionGroup var options: ConfigOption
    @Argument(help: "Row id, clientUniqueId, or path.") var id: String?
    @Flag(help: "Release every held recording.") var all = false
    @Flag(help: "Do not ask for confirmation.") var yes = false

    func validate() throws {
        guard (id == nil) != (!all) else { throw ValidationError("give either an ID or --all") }
    }

    func run() async throws {
        try await OperatorCommand.apply(id: id, all: all, in: [.held], verb: "release", yes: yes, options: options) { try await $0.release($1) }
    }
}

/// `gongspool accept ID`.
struct AcceptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accept",
        abstract:
            "Mark a recording held for foreign_media or media_on_other_call, or missing in Gong, as delivered, after checking the call in Gong.",
        discussion:
            "Gong answered that the call already has media, or holds the same audio on another call, and GongSpool cannot prove it is this recording's; or Gong's list of calls does not have a delivered call (deleted on purpose?). Check the call named in the reason in Gong first. The files are kept."
    )

    @OptionGroup var options: ConfigOption
    @Argument(help: "Row id, clientUniqueId, or path.") var id: String?
    @Flag(help: "Accept every recording held for foreign_media or media_on_other_call (after a lost state database).") var all = false
    @Flag(help: "Do not ask for confirmation.") var yes = false

    func validate() throws {
        guard (id == nil) != (!all) else { throw ValidationError("give either an ID or --all") }
    }

    func run() async throws {
        try await OperatorCommand.apply(
            id: id, all: all, in: [.held], causes: [.foreignMedia, .mediaOnOtherCall], verb: "accept", yes: yes,
            options: options
        ) { try await $0.accept($1) }
    }
}

/// `gongspool forget ID`.
struct ForgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Delete a recording's state so its files are taken anew.",
        discussion:
            "Gong remembers clientUniqueIds (and media content) for hours, even after a call is deleted there: a re-import usually needs a new clientUniqueId."
    )

    @OptionGroup var options: ConfigOption
    @Argument(help: "Row id, clientUniqueId, or path.") var id: String
    @Flag(help: "Do not ask for confirmation.") var yes = false

    func run() async throws {
        let actions = OperatorActions(store: try await StoreOpener.open(try options.load()))
        // There must be something to forget before anyone is asked.
        let found = try await OperatorCommand.perform { try await actions.find(id) }
        printError("warning: Gong remembers clientUniqueIds for hours; re-sending the same id is answered as a duplicate.")
        try OperatorCommand.confirm("forget \(found.clientUniqueId ?? found.stem) (\(found.state.rawValue))", yes: yes)
        let row = try await OperatorCommand.perform { try await actions.forget(id) }
        print("forgot \(row.clientUniqueId ?? row.stem) (was \(row.state.rawValue)); its files are examined again at the daemon's next poll")
    }
}

/// Shared plumbing of the operator verbs.
enum OperatorCommand {
    /// Runs an action; refusals exit 65 with the reason.
    static func perform<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let refusal as OperatorActions.Refusal {
            printError("gongspool: \(refusal.description)")
            throw ExitCode(ExitStatus.dataError)
        } catch let error as StoreError {
            printError("gongspool: \(error.description)")
            throw ExitCode(ExitStatus.tempFail)
        }
    }

    /// Applies `action` to `id`, or with `all` to every recording in `states` (with one of
    /// `causes`, when given) after confirmation, printing where each ended.
    static func apply(
        id: String?, all: Bool, in states: Set<RecordingState>, causes: Set<ErrorCode>? = nil, verb: String, yes: Bool,
        options: ConfigOption, _ action: (OperatorActions, String) async throws -> Recording
    ) async throws {
        let store = try await StoreOpener.open(try options.load())
        let actions = OperatorActions(store: store)
        let keys = all ? try await keys(store, states, causes: causes, confirm: verb, yes: yes) : [id ?? ""]
        if all && keys.isEmpty {
            let what =
                states.map(\.rawValue).sorted().joined(separator: " or ")
                + (causes.map { " for " + $0.map(\.rawValue).sorted().joined(separator: " or ") } ?? "")
            print("no recording is \(what): nothing to \(verb)")
            return
        }
        for key in keys {
            let row = try await perform { try await action(actions, key) }
            print("\(key): \(row.state.rawValue)")
        }
    }

    /// The row ids in `states` (with one of `causes`, when given), after confirmation.
    static func keys(_ store: any StateStore, _ states: Set<RecordingState>, causes: Set<ErrorCode>? = nil, confirm verb: String, yes: Bool)
        async throws -> [String]
    {
        let rows = try await store.recordings(in: states).filter { row in causes.map { row.lastErrorCode.map($0.contains) ?? false } ?? true }
        if rows.isEmpty { return [] }
        try confirm("\(verb) \(rows.count) recording\(rows.count == 1 ? "" : "s")", yes: yes)
        return rows.compactMap { $0.id.map(String.init) }
    }

    /// Asks on the terminal unless `yes`; refuses without a terminal answer.
    static func confirm(_ what: String, yes: Bool) throws {
        if yes { return }
        printError("\(what)? [y/N] ", newline: false)
        guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
            printError("not confirmed; nothing changed (use --yes in scripts)")
            throw ExitCode(1)
        }
    }
}
