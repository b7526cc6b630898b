import Foundation
import GongSpoolCore
import GongSpoolDaemon
import Testing

/// The `gongspool` binary as an operator runs it against a ``DeliveryHarness``'s configuration,
/// with the simulator's credentials: each call a real process, its output captured.
public struct OperatorCLI: Sendable {
    /// The directories.
    public let h: DeliveryHarness
    /// The configuration file.
    public let config: String

    /// A CLI on `config`.
    public init(_ h: DeliveryHarness, config: String) {
        self.h = h
        self.config = config
    }

    /// Runs `gongspool arguments…`; `nil` when it had not ended after `timeout` seconds (then killed).
    /// `dropFilePermissionOverride` runs it as a root without CAP_DAC_OVERRIDE (modes apply);
    /// `environment` replaces the simulator's credentials; `user` runs it as that user.
    @discardableResult
    public func run(
        _ arguments: [String], timeout: Double = 120, dropFilePermissionOverride: Bool = false,
        environment: [String: String] = DeliveryHarness.environment(), as user: ServiceUser? = nil
    ) async throws -> (status: Int32?, output: String) {
        if let user {
            return try await tool(
                user.asUser[0], Array(user.asUser.dropFirst()) + [user.binary] + arguments, timeout: timeout, environment: environment)
        } else if dropFilePermissionOverride {
            let dropped = ["--bounding-set", "-dac_override,-dac_read_search", "--", Binary.path]
            return try await tool("/usr/bin/setpriv", dropped + arguments, timeout: timeout, environment: environment)
        }
        return try await tool(Binary.path, arguments, timeout: timeout, environment: environment)
    }

    /// Runs `executable arguments…` (e.g. `script` around the binary) as ``run(_:timeout:dropFilePermissionOverride:environment:as:)`` does.
    public func tool(
        _ executable: String, _ arguments: [String], timeout: Double = 120, environment: [String: String] = DeliveryHarness.environment()
    ) async throws -> (status: Int32?, output: String) {
        let log = h.work.file("cli-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let ended = !process.isRunning
        if !ended {
            kill(process.processIdentifier, SIGKILL)
            await Binary.waitForExit(process)
        }
        try handle.close()
        return (ended ? process.terminationStatus : nil, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    public func once(timeout: Double = 120) async throws -> (status: Int32?, output: String) {
        try await run(["run", "--once", "--config", config], timeout: timeout)
    }

    /// `gongspool show KEY --json`, parsed.
    public func show(_ key: String) async throws -> JSONValue {
        let (status, output) = try await run(["show", "--config", config, key, "--json"])
        guard status == 0, let value = try? JSONValue.parse(Data(output.utf8)) else {
            Issue.record("show \(key) failed: \(output)")
            return .null
        }
        return value
    }

    /// Waits up to `seconds` for `key` to reach `state` (with `lastErrorCode` `code`, when given).
    public func waitFor(_ key: String, _ state: String, code: String? = nil, seconds: Double = 120) async throws -> JSONValue {
        let deadline = Date().addingTimeInterval(seconds)
        var last = JSONValue.null
        var lastOutput = ""
        while Date() < deadline {
            let (status, output) = try await run(["show", "--config", config, key, "--json"])
            lastOutput = "exit \(status.map(String.init) ?? "none"): \(output)"
            if status == 0, let value = try? JSONValue.parse(Data(output.utf8)) {
                last = value
                if value["state"]?.stringValue == state, code == nil || value["lastErrorCode"]?.stringValue == code { return value }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let daemonLog = (try? String(contentsOfFile: h.work.file("daemon.log"), encoding: .utf8)).map { "\nthe daemon's log:\n\($0)" } ?? ""
        Issue.record("\(key) did not reach \(state) in \(seconds) s: \(last); last `show`: \(lastOutput)\(daemonLog)")
        return last
    }
}

extension OperatorCLI {
    /// Runs the daemon (`gongspool run`, its log in `daemon.log`) while `body` runs; stops it
    /// with SIGTERM afterwards (SIGKILL if `body` throws).
    public func withDaemon<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let daemon = try Binary.start(["run", "--config", config], environment: DeliveryHarness.environment(), log: h.work.file("daemon.log"))
        defer { kill(daemon.processIdentifier, SIGKILL) }
        let result = try await body()
        kill(daemon.processIdentifier, SIGTERM)
        await Binary.waitForExit(daemon)
        return result
    }
}
