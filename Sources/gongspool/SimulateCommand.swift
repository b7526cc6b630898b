import ArgumentParser
import Foundation
import GongSimulator

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
        let key = options.accessKey
        try await GongSimulator.withRunning(host: host, port: port, options: options) { simulator in
            FileHandle.standardOutput.write(Data("Gong simulator listening on \(simulator.baseURL) (key \(key))\n".utf8))
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(3600))
            }
        }
    }
}
