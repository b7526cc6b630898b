import Foundation

/// Decodes the `metadata:` and `users:` sections.
enum MetadataSection {
    static func parse(_ section: ConfigSection) throws(ConfigurationError) -> MetadataSettings {
        try section.allowOnly(["preset", "sidecar", "sidecarExtension", "fileNamePattern", "fields", "direction", "repChannel",
                               "clientUniqueId", "title", "request", "cdr", "derive", "customDataPath"])
        var settings = MetadataSettings()
        settings.preset = try section.choice("preset", PBXPreset.self)
        settings.sidecar = try section.choice("sidecar", SidecarFormat.self)
        settings.sidecarExtension = try section.string("sidecarExtension").map { $0.hasPrefix(".") ? String($0.dropFirst()) : $0 }
        settings.fileNamePattern = try section.string("fileNamePattern")
        settings.fields = try templates(section, "fields")
        settings.request = try templates(section, "request")
        settings.direction = try strings(section, "direction")
        for (raw, value) in settings.direction where !["Inbound", "Outbound", "Conference", "Unknown"].contains(value) {
            throw .invalid(key: section.key("direction.\(raw)"), message: "must be Inbound, Outbound, Conference or Unknown, found \"\(value)\"")
        }
        settings.direction = Dictionary(uniqueKeysWithValues: settings.direction.map { ($0.key.lowercased(), $0.value) })
        settings.repChannel = try section.choice("repChannel", RepChannel.self)
        try section.string("clientUniqueId").map { settings.clientUniqueId = $0 }
        if let title = try templateList(section, "title") { settings.title = title }
        if let cdr = try section.section("cdr") {
            try cdr.allowOnly(["file", "columns", "match", "value"])
            guard let file = try cdr.string("file"), !file.isEmpty else {
                throw .missing(key: cdr.key("file"), hint: "the CDR CSV, e.g. /var/log/asterisk/cdr-csv/Master.csv")
            }
            var settingsCDR = CDRSettings(file: file)
            if let columns = try templateList(cdr, "columns") { settingsCDR.columns = columns }
            try cdr.string("match").map { settingsCDR.match = $0 }
            try cdr.string("value").map { settingsCDR.value = $0 }
            guard settingsCDR.columns.contains(settingsCDR.match) else {
                throw .invalid(key: cdr.key("match"), message: "\"\(settingsCDR.match)\" is not one of metadata.cdr.columns")
            }
            settings.cdr = settingsCDR
        }
        try section.bool("customDataPath").map { settings.customDataPath = $0 }
        if let raw = section.values["derive"], !(raw is NSNull) {
            guard let list = raw as? [Any] else { throw .invalid(key: section.key("derive"), message: "expected a list of {from, pattern}") }
            for (index, item) in list.enumerated() {
                let key = section.key("derive[\(index)]")
                guard let rule = item as? [AnyHashable: Any], let from = rule["from"] as? String, let pattern = rule["pattern"] as? String,
                      rule.count == 2 else {
                    throw .invalid(key: key, message: "expected {from: <field>, pattern: <regex with named captures>}")
                }
                do {
                    _ = try FileNamePattern(pattern: pattern, label: key)
                } catch {
                    throw .invalid(key: key + ".pattern", message: error.description)
                }
                settings.derive.append(DeriveRule(from: from, pattern: pattern))
            }
        }
        return settings
    }

    static func parseUsers(_ section: ConfigSection) throws(ConfigurationError) -> UserSettings {
        try section.allowOnly(["table", "file", "fromGong", "refreshHours", "unmapped"])
        var users = UserSettings()
        users.table = try strings(section, "table")
        for (key, id) in users.table where id.isEmpty || !id.allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw .invalid(key: section.key("table.\(key)"), message: "expected a Gong user id (digits, quoted), found \"\(id)\"")
        }
        users.file = try section.string("file")
        try section.bool("fromGong").map { users.fromGong = $0 }
        try section.number("refreshHours", min: 0.1).map { users.refreshHours = $0 }
        users.unmapped = try section.choice("unmapped", UnmappedUsers.self) ?? .hold
        return users
    }

    /// A mapping of name → text; keys may be YAML numbers (extensions), values must be text.
    static func strings(_ section: ConfigSection, _ name: String) throws(ConfigurationError) -> [String: String] {
        guard let raw = section.values[name], !(raw is NSNull) else { return [:] }
        guard let mapping = raw as? [AnyHashable: Any] else { throw .invalid(key: section.key(name), message: "expected a mapping") }
        var out: [String: String] = [:]
        for (key, value) in mapping {
            let keyText = "\(key.base)"
            guard let text = value as? String else {
                throw .invalid(key: section.key("\(name).\(keyText)"), message: "expected quoted text, found \(ConfigSection.describe(value))")
            }
            out[keyText] = text
        }
        return out
    }

    /// A mapping of name → one template or a list of templates.
    static func templates(_ section: ConfigSection, _ name: String) throws(ConfigurationError) -> [String: [String]] {
        guard let raw = section.values[name], !(raw is NSNull) else { return [:] }
        guard let mapping = raw as? [String: Any] else { throw .invalid(key: section.key(name), message: "expected a mapping") }
        var out: [String: [String]] = [:]
        let nested = ConfigSection(mapping, prefix: section.key(name))
        for key in mapping.keys { out[key] = try templateList(nested, key) ?? [] }
        return out
    }

    /// One text or a list of texts.
    static func templateList(_ section: ConfigSection, _ name: String) throws(ConfigurationError) -> [String]? {
        guard let raw = section.values[name], !(raw is NSNull) else { return nil }
        if let text = raw as? String { return [text] }
        if let list = raw as? [Any], let texts = list as? [String], !texts.isEmpty { return texts }
        throw .invalid(key: section.key(name), message: "expected text or a list of texts, found \(ConfigSection.describe(raw))")
    }
}
