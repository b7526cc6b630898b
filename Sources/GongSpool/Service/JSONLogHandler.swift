import Foundation
import Logging

/// One JSON object per line on standard error, for log collectors (`--log-format json`):
/// `{"ts":…,"level":…,"label":…,"msg":…, <metadata>}`. Metadata keys that name secrets
/// (`authorization`, `*secret*`, `*password*`) are always replaced by `<redacted>`.
public struct JSONLogHandler: LogHandler {
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
        var fields: [String: JSONValue] = [
            "ts": .string(Self.timestamp()),
            "level": .string(event.level.rawValue),
            "label": .string(label),
            "msg": .string(event.message.description),
        ]
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        for (key, value) in merged where fields[key] == nil {
            fields[key] = Self.isSecret(key) ? .string("<redacted>") : Self.json(value)
        }
        if let error = event.error { fields["error"] = .string(String(describing: error)) }
        write(JSONValue.object(fields).compactString)
    }

    static func isSecret(_ key: String) -> Bool {
        let lower = key.lowercased()
        return lower == "authorization" || lower.contains("secret") || lower.contains("password")
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
