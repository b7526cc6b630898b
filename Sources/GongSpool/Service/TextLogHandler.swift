import Foundation
import Logging

/// One line per event on standard error, for the journal (`--log-format text`):
/// `<time> <level> <label>: <key=value …> <message>`. Control characters in the message and
/// in metadata (a file name with a newline or an escape sequence) are escaped, so no one who can
/// write to the spool can forge a log line; keys naming secrets are replaced by `<redacted>`.
public struct TextLogHandler: LogHandler {
    /// The logger label.
    public let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let write: @Sendable (String) -> Void

    /// Creates a handler writing lines through `write` (standard error by default).
    public init(label: String, write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        self.label = label
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let pairs = merged.keys.sorted().map { key -> String in
            let value = JSONLogHandler.isSecret(key) ? "<redacted>" : "\(merged[key].map { "\($0)" } ?? "")"
            return "\(key)=\(value)".escapingControlCharacters
        }
        var line = ISOTimestamp.format(Date()) + " \(event.level) \(label):"
        if !pairs.isEmpty { line += " " + pairs.joined(separator: " ") }
        line += " " + event.message.description.escapingControlCharacters
        if let error = event.error { line += " error=" + String(describing: error).escapingControlCharacters }
        write(line)
    }
}
