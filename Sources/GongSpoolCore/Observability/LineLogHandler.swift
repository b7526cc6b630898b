import Foundation
import Logging

/// One line per event on standard error, in one of two formats (`--log-format`):
///
/// - `text`, for the journal: `<time> <level> <label>: <key=value …> <message>`. Control
///   characters in the message and in metadata (a file name with a newline or an escape
///   sequence) are escaped, so no one who can write to the spool can forge a log line.
/// - `json`, for log collectors: `{"ts":…,"level":…,"label":…,"msg":…, <metadata>}`.
///
/// In both, the values of metadata keys that name secrets (`authorization`, `*secret*`,
/// `*password*`), at any depth of the metadata, are always replaced by `<redacted>`; a field
/// whose value is empty is left out.
public struct LineLogHandler: LogHandler {
    /// How a line is written.
    public enum Format: Sendable {
        /// `key=value` text with control characters escaped.
        case text
        /// One JSON object.
        case json
    }

    /// The logger label.
    public let label: String
    /// The line format.
    public let format: Format
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let write: @Sendable (String) -> Void

    /// Creates a handler writing lines through `write` (standard error by default).
    public init(
        label: String, format: Format,
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    ) {
        self.label = label
        self.format = format
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
        // A field with nothing to say is left out (`note=` on every line said nothing).
        merged = Self.redacted(merged.filter { "\($0.value)" != "" })
        switch format {
        case .text: write(textLine(event, merged))
        case .json: write(jsonLine(event, merged))
        }
    }

    private func textLine(_ event: LogEvent, _ merged: Logger.Metadata) -> String {
        let pairs = merged.keys.sorted().map { key -> String in
            "\(key)=\(merged[key].map { "\($0)" } ?? "")".escapingControlCharacters
        }
        var line = ISOTimestamp.format(Date()) + " \(event.level) \(label):"
        if !pairs.isEmpty { line += " " + pairs.joined(separator: " ") }
        line += " " + event.message.description.escapingControlCharacters
        if let error = event.error { line += " error=" + String(describing: error).escapingControlCharacters }
        return line
    }

    private func jsonLine(_ event: LogEvent, _ merged: Logger.Metadata) -> String {
        var fields: [String: JSONValue] = [
            "ts": .string(Self.timestamp()),
            "level": .string(event.level.rawValue),
            "label": .string(label),
            "msg": .string(event.message.description),
        ]
        for (key, value) in merged where fields[key] == nil { fields[key] = Self.json(value) }
        if let error = event.error { fields["error"] = .string(String(describing: error)) }
        return JSONValue.object(fields).compactString
    }

    static func isSecret(_ key: String) -> Bool {
        let lower = key.lowercased()
        return lower == "authorization" || lower.contains("secret") || lower.contains("password")
    }

    /// `metadata` with the value of every key that names a secret replaced, in nested
    /// dictionaries and arrays too (a logged set of headers carries its `Authorization`).
    static func redacted(_ metadata: Logger.Metadata) -> Logger.Metadata {
        Dictionary(uniqueKeysWithValues: metadata.map { key, value in (key, isSecret(key) ? .string("<redacted>") : redacted(value)) })
    }

    private static func redacted(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .dictionary(let nested): .dictionary(redacted(nested))
        case .array(let items): .array(items.map(redacted))
        case .string, .stringConvertible: value
        }
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let s): .string(s)
        case .stringConvertible(let c): .string(c.description)
        case .array(let a): .array(a.map(json))
        case .dictionary(let d): .object(d.mapValues(json))
        }
    }

    static func timestamp() -> String {
        let now = Date()
        let millis = Int((now.timeIntervalSince1970 * 1000).truncatingRemainder(dividingBy: 1000))
        return String(ISOTimestamp.format(now).dropLast()) + String(format: ".%03dZ", millis)
    }
}

extension JSONValue {
    /// Compact canonical JSON text.
    public var compactString: String {
        (try? canonicalData()).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}
