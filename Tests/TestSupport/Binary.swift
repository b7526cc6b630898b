import Foundation
import Testing

/// The built `gongspool` executable, for tests that run the real binary.
public enum Binary {
    /// `.build/debug/gongspool` next to this package (built by `swift build` / `swift test`).
    public static var path: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [
            ".build/debug/gongspool", ".build/x86_64-unknown-linux-gnu/debug/gongspool", ".build/aarch64-unknown-linux-gnu/debug/gongspool",
        ]
        return candidates.map { root.appendingPathComponent($0).path }.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// Starts `gongspool arguments…` with `environment` added; output goes to `log`. With
    /// `fileSizeLimitKiB` the process runs under `ulimit -f` (no file may grow beyond it).
    /// `executable` runs instead of the binary (`setpriv … gongspool run`, say).
    public static func start(
        _ arguments: [String], executable: String? = nil, environment: [String: String] = [:], log: String, fileSizeLimitKiB: Int? = nil
    ) throws -> Process {
        let process = Process()
        if let executable {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else if let limit = fileSizeLimitKiB {
            process.executableURL = URL(fileURLWithPath: "/bin/bash")  // ulimit -f in KiB
            process.arguments = ["-c", "ulimit -f \(limit) && exec \"$0\" \"$@\"", path] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Runs to completion; returns the exit status. Waits without blocking a thread: the
    /// simulator serving the child may run on the same (two-thread) cooperative pool.
    public static func run(_ arguments: [String], environment: [String: String] = [:], log: String) async throws -> Int32 {
        let process = try start(arguments, environment: environment, log: log)
        await waitForExit(process)
        return process.terminationStatus
    }

    /// Waits for `process` to end, polling instead of blocking (`waitUntilExit` would hold a
    /// cooperative thread and can starve an in-process simulator into a deadlock).
    /// Waits for `process` to end; one that has not ended after `seconds` (a daemon that hangs
    /// instead of stopping) is recorded as an issue and killed, so a hang fails the test instead
    /// of stalling the suite.
    public static func waitForExit(_ process: Process, seconds: Double = 120) async {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            if Date() > deadline {
                Issue.record("process \(process.processIdentifier) did not end within \(seconds) s; killed")
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
