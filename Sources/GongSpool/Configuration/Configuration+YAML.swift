import Foundation

extension Configuration {
    /// The effective configuration as YAML, every key shown with its value in force.
    /// Holds file paths only; secrets never live in the configuration.
    public var effectiveYAML: String {
        func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var lines = [
            "spool:",
            "  directory: \(q(spool.directory))",
            "  recursive: \(spool.recursive)",
            "  settleSeconds: \(spool.settleSeconds)",
            "  pollIntervalSeconds: \(spool.pollIntervalSeconds)",
            "  orphanAfterMinutes: \(spool.orphanAfterMinutes)",
            "  afterUpload: \(spool.afterUpload.rawValue)",
            "  backfill: \(q(spool.backfill.text))",
        ]
        if let archive = spool.archiveDirectory { lines.append("  archiveDirectory: \(q(archive))") }
        lines += [
            "gong:",
            "  baseURL: \(q(gong.baseURL))",
        ]
        if let file = gong.accessKeyFile { lines.append("  accessKeyFile: \(q(file))") }
        if let file = gong.accessKeySecretFile { lines.append("  accessKeySecretFile: \(q(file))") }
        lines += [
            "  requestsPerSecond: \(gong.requestsPerSecond)",
            "  dailyRequestLimit: \(gong.dailyRequestLimit)",
            "  maxConcurrentUploads: \(gong.maxConcurrentUploads)",
            "  connectTimeoutSeconds: \(gong.connectTimeoutSeconds)",
            "  readTimeoutSeconds: \(gong.readTimeoutSeconds)",
            "  minUploadBytesPerSecond: \(gong.minUploadBytesPerSecond)",
            "retry:",
            "  initialBackoffSeconds: \(retry.initialBackoffSeconds)",
            "  maxBackoffSeconds: \(retry.maxBackoffSeconds)",
            "  giveUpAfterHours: \(retry.giveUpAfterHours)",
            "state:",
            "  database: \(q(state.database))",
            "metrics:",
            "  listen: \(q(metrics.listen))",
            "defaults: \((try? defaults.canonicalData()).map { String(decoding: $0, as: UTF8.self) } ?? "{}")",
        ]
        return lines.joined(separator: "\n")
    }
}
