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
            "  order: \(spool.order.rawValue)",
            "  watch: \(spool.watch.rawValue)",
            "  fullRescanMinutes: \(spool.fullRescanMinutes)",
            "  minDurationSeconds: \(spool.minDurationSeconds)",
            "  silenceThresholdDb: \(spool.silenceThresholdDb.map { "\($0)" } ?? "off")",
            "  timeZone: \(q(spool.timeZone))",
            "  systemId: \(q(spool.effectiveSystemId))",
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
            "  reconcile: \(gong.reconcile)",
            "retry:",
            "  initialBackoffSeconds: \(retry.initialBackoffSeconds)",
            "  maxBackoffSeconds: \(retry.maxBackoffSeconds)",
            "  giveUpAfterHours: \(retry.giveUpAfterHours)",
            "state:",
            "  database: \(q(state.database))",
            "  node: \(q(state.nodeName))",
            "  leaseSeconds: \(state.leaseSeconds)",
        ]
        if let file = state.passwordFile { lines.append("  passwordFile: \(q(file))") }
        if let name = state.spoolName { lines.append("  spoolName: \(q(name))") }
        lines += [
            "metrics:",
            "  listen: \(q(metrics.listen))",
            "defaults: \((try? defaults.canonicalData()).map { String(decoding: $0, as: UTF8.self) } ?? "{}")",
        ]
        lines += metadataLines(q)
        return lines.joined(separator: "\n")
    }

    private func metadataLines(_ q: (String) -> String) -> [String] {
        func list(_ values: [String]) -> String { "[" + values.map(q).joined(separator: ", ") + "]" }
        var lines = ["metadata:"]
        if let preset = metadata.preset { lines.append("  preset: \(preset.rawValue)") }
        lines.append("  sidecar: \(metadata.effectiveSidecar.rawValue)")
        if let ext = metadata.effectiveSidecarExtension { lines.append("  sidecarExtension: \(q(ext))") }
        if metadata.isMapped {
            if let pattern = metadata.effectivePattern { lines.append("  fileNamePattern: \(q(pattern))") }
            lines.append("  fields:")
            for (name, templates) in metadata.effectiveFields.sorted(by: { $0.key < $1.key }) { lines.append("    \(name): \(list(templates))") }
            lines.append("  repChannel: \(metadata.effectiveRepChannel.rawValue)")
            lines.append("  clientUniqueId: \(q(metadata.clientUniqueId))")
            lines.append("  title: \(list(metadata.title))")
            lines.append("  customDataPath: \(metadata.customDataPath)")
            if !metadata.derive.isEmpty {
                lines.append("  derive:")
                for rule in metadata.derive { lines += ["    - from: \(q(rule.from))", "      pattern: \(q(rule.pattern))"] }
            }
            if let cdr = metadata.cdr {
                lines += ["  cdr:", "    file: \(q(cdr.file))", "    match: \(q(cdr.match))", "    value: \(q(cdr.value))", "    columns: \(list(cdr.columns))"]
            }
        }
        lines.append("users:")
        lines.append("  table: {" + users.table.sorted(by: { $0.key < $1.key }).map { "\(q($0.key)): \(q($0.value))" }.joined(separator: ", ") + "}")
        if let file = users.file { lines.append("  file: \(q(file))") }
        lines.append("  fromGong: \(users.fromGong)")
        lines.append("  refreshHours: \(users.refreshHours)")
        lines.append("  unmapped: \(users.unmapped.rawValue)")
        return lines
    }
}
