import Foundation

/// `metadata.*` compiled: templates parsed, pattern checked, time zone and system id resolved.
/// Built once per configuration; any mistake is a configuration error naming the key.
public struct CallMapping: Sendable {
    /// The settings it was built from.
    public let settings: MetadataSettings
    /// Identifies this PBX in every derived `clientUniqueId`.
    public let systemId: String
    /// Zone of naive timestamps.
    public let timeZone: TimeZone
    /// The file-name pattern, when one is in force.
    public let pattern: FileNamePattern?
    let fields: [String: [FieldTemplate]]
    let clientUniqueId: FieldTemplate
    let title: [FieldTemplate]
    let request: [(path: String, templates: [FieldTemplate])]
    let cdrValue: FieldTemplate?
    /// `metadata.derive`: fields taken out of other fields by patterns.
    let derive: [(from: String, pattern: FileNamePattern)]

    /// Call fields GongSpool understands in `metadata.fields`.
    public static let knownFields: Set<String> = ["pbxCallId", "start", "direction", "from", "to", "fromName", "toName", "rep", "duration"]

    /// Compiles `settings`.
    public init(settings: MetadataSettings, systemId: String, timeZone: TimeZone) throws(ConfigurationError) {
        self.settings = settings
        self.systemId = systemId
        self.timeZone = timeZone
        func compile(_ key: String, _ texts: [String]) throws(ConfigurationError) -> [FieldTemplate] {
            var out: [FieldTemplate] = []
            for text in texts {
                do { out.append(try FieldTemplate(text)) } catch { throw .invalid(key: key, message: error.description) }
            }
            return out
        }
        var fields: [String: [FieldTemplate]] = [:]
        for (name, texts) in settings.effectiveFields {
            guard Self.knownFields.contains(name) else {
                throw .invalid(
                    key: "metadata.fields.\(name)", message: "unknown call field; known: \(Self.knownFields.sorted().joined(separator: ", "))")
            }
            fields[name] = try compile("metadata.fields.\(name)", texts)
        }
        self.fields = fields
        clientUniqueId = try compile("metadata.clientUniqueId", [settings.clientUniqueId])[0]
        title = try compile("metadata.title", settings.title.all)
        var request: [(String, [FieldTemplate])] = []
        for (path, texts) in settings.request.sorted(by: { $0.key < $1.key }) {
            request.append((path, try compile("metadata.request.\(path)", texts.all)))
        }
        self.request = request
        cdrValue = try settings.cdr.map { (cdr) throws(ConfigurationError) in try compile("metadata.cdr.value", [cdr.value])[0] }
        var derive: [(String, FileNamePattern)] = []
        for (index, rule) in settings.derive.enumerated() {
            do {
                derive.append((rule.from, try FileNamePattern(pattern: rule.pattern, label: "\(rule.from) via metadata.derive")))
            } catch {
                throw .invalid(key: "metadata.derive[\(index)].pattern", message: error.description)
            }
        }
        self.derive = derive
        if let text = settings.effectivePattern {
            do {
                pattern = try FileNamePattern(
                    pattern: text,
                    label: settings.fileNamePattern == nil
                        ? "file name (\(settings.preset?.rawValue ?? "pattern"))" : "file name (metadata.fileNamePattern)")
            } catch {
                throw .invalid(key: "metadata.fileNamePattern", message: error.description)
            }
        } else {
            pattern = nil
        }
    }

    /// The mapping of a configuration (`spool.systemId`, `spool.timeZone`, `metadata.*`).
    public init(_ config: Configuration) throws(ConfigurationError) {
        guard let zone = config.spool.timeZone == "system" ? TimeZone.current : TimeZone(identifier: config.spool.timeZone) else {
            throw .invalid(
                key: "spool.timeZone",
                message: "unknown IANA time zone \"\(config.spool.timeZone)\" (e.g. Europe/Berlin, America/New_York, UTC, or system)")
        }
        try self.init(settings: config.metadata, systemId: config.spool.effectiveSystemId, timeZone: zone)
    }
}
