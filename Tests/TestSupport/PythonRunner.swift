import Foundation

/// Runs a Python 3 snippet (used for independent cross-checks such as python-jsonschema).
public enum PythonRunner {
    /// Runs `script` with `arguments`; returns the exit status and combined output.
    public static func run(_ script: String, arguments: [String]) async throws -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("python-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        while process.isRunning {
            try await Task.sleep(for: .milliseconds(10))
        }
        try handle.close()
        return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }
}
