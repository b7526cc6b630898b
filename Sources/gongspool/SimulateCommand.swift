import ArgumentParser
import Foundation
import GongSimulator
import GongSpoolCore

/// `gongspool simulate`: run the strict Gong simulator.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the strict Gong API simulator on loopback (for trials, tests and benchmarks).",
        discussion: "Credentials default to simulator-key / simulator-secret. Stop it with Ctrl-C."
    )

    @Option(help: "Port to listen on (0 picks a free one).") var port = 8089
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Accepted access key.") var accessKey = "simulator-key"
    @Option(help: "Accepted access key secret.") var accessKeySecret = "simulator-secret"
    @Option(help: "Requests per second before 429 (0: unlimited).") var requestsPerSecond = 3.0
    @Option(help: "Requests per UTC day before 429.") var dailyLimit = 10_000
    @Option(help: "Share of requests answered 500/503 (0…1).") var failureRate = 0.0
    @Option(help: "Share of successful writes whose response is lost (0…1).") var lostResponseRate = 0.0
    @Option(help: "Delay before each answer, milliseconds.") var latencyMs = 0
    @Option(help: "A Gong user id whose telephony import is disabled (409); repeatable.") var disabledUser: [String] = []
    @Option(help: "Seed for random decisions.") var seed: UInt64 = 1
    @Option(help: "An erased call stays listed as PURGE_REQUESTED by this many data-privacy listings (try audit --verify).")
    var erasureListedFor = 0
    @Option(
        help: ArgumentHelp(
            "Serve GET /v2/users from this file: Gong's own answer ({\"users\": [{\"id\", \"emailAddress\", \"extension\", …}]}).",
            discussion: "Try users.fromGong (check, validate, run --dry-run) before going live; a page saved from the real API works as it is.",
            valueName: "file")) var users: String?

    func run() async throws {
        var options = SimulatorOptions()
        options.accessKey = accessKey
        options.accessKeySecret = accessKeySecret
        options.requestsPerSecond = requestsPerSecond
        options.dailyLimit = dailyLimit
        options.failureRate = failureRate
        options.lostResponseRate = lostResponseRate
        options.latencyMilliseconds = latencyMs
        options.disabledUsers = Set(disabledUser)
        options.seed = seed
        options.erasureListedFor = max(0, erasureListedFor)
        if let users { options.users = try Self.readUsers(users) }
        let key = options.accessKey
        let served = users.map { "; \(options.users.count) users from \($0)" } ?? ""
        try await GongSimulator.withRunning(host: host, port: port, options: options) { simulator in
            FileHandle.standardOutput.write(Data("Gong simulator listening on \(simulator.baseURL) (key \(key)\(served))\n".utf8))
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(3600))
            }
        }
    }

    /// The users of a `GET /v2/users` answer saved in `path`.
    static func readUsers(_ path: String) throws -> [DirectoryUser] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ValidationError("--users \(path): cannot be read (\(error.localizedDescription))")
        }
        guard let page = UserListPage(json: text) else {
            throw ValidationError(
                "--users \(path): not a GET /v2/users answer; expected {\"users\": [{\"id\": \"…\", \"emailAddress\": \"…\", \"extension\": \"…\"}]}")
        }
        return page.users
    }
}
