import Foundation

/// The kind of sidecar file that comes with each recording.
public enum SidecarFormat: String, Sendable, Equatable, ConfigChoice {
    /// A Gong "Add New Call" request as JSON (merged over the mapped fields; it wins).
    case gong
    /// Any JSON document; its fields are addressed as `sidecar.<dotted.path>`.
    case json
    /// Any XML document; element paths as `sidecar.<root>.<child>`, attributes as `….@name`.
    case xml
    /// `key=value` (or `key: value`) lines; `#` and `;` start comments.
    case keyvalue
    /// No sidecar: everything comes from the file name, the CDR and the media.
    case none

    /// The file extension looked for when `metadata.sidecarExtension` is not set.
    public var defaultExtension: String? {
        switch self {
        case .gong, .json: "json"
        case .xml: "xml"
        case .keyvalue: "txt"
        case .none: nil
        }
    }
}

/// Which channel of a stereo recording carries the company's side of the call.
public enum RepChannel: String, Sendable, Equatable, ConfigChoice {
    case left, right

    /// Gong's `mediaChannelId` (0 left, 1 right).
    public var mediaChannelId: Int { self == .left ? 0 : 1 }
}

/// `metadata.*`: where a recording's call facts come from and how they become a Gong request.
/// Without a preset, pattern, CDR or non-Gong sidecar, GongSpool reads Gong-shaped sidecars only.
public struct MetadataSettings: Sendable, Equatable, Codable {
    /// A built-in PBX layout supplying a file-name pattern and field mapping.
    public var preset: PBXPreset?
    /// The sidecar kind; `none` when a preset is set and nothing else is said.
    public var sidecar: SidecarFormat?
    /// The sidecar's file extension (a leading dot is ignored).
    public var sidecarExtension: String?
    /// A regular expression with named captures over the path relative to the spool.
    public var fileNamePattern: String?
    /// Call fields (`pbxCallId`, `start`, `direction`, `from`, `to`, …) ← templates, tried in order.
    public var fields: [String: TemplateList] = [:]
    /// PBX direction values (any case) → Gong `direction`.
    public var direction: [String: String] = [:]
    /// The rep's channel in stereo files.
    public var repChannel: RepChannel?
    /// Template of `clientUniqueId` when the sidecar does not carry one.
    public var clientUniqueId = "{systemId}:{pbxCallId}"
    /// Templates of the call title, first one that resolves wins.
    public var title: TemplateList = ["Call with {other}"]
    /// Further Gong request fields (dotted paths, string values) ← templates.
    public var request: [String: TemplateList] = [:]
    /// The Asterisk CDR CSV to look calls up in.
    public var cdr: CDRSettings?
    /// Fields taken out of other fields by patterns (e.g. the agent's extension out of the CDR's `dstchannel`).
    public var derive: [DeriveRule] = []
    /// Whether the recording's path goes into the call's `customData`.
    public var customDataPath = true

    /// Defaults: Gong-shaped sidecars only.
    public init() {}

    /// Whether any PBX mapping is in force (otherwise the sidecar is the whole request).
    public var isMapped: Bool {
        preset != nil || fileNamePattern != nil || effectiveSidecar != .gong || cdr != nil
    }

    /// The sidecar kind in force.
    public var effectiveSidecar: SidecarFormat {
        sidecar ?? (preset == nil && fileNamePattern == nil && cdr == nil ? .gong : .none)
    }

    /// The sidecar extension in force (`nil`: no sidecar).
    public var effectiveSidecarExtension: String? {
        guard let fallback = effectiveSidecar.defaultExtension else { return nil }
        let given = sidecarExtension.map { $0.hasPrefix(".") ? String($0.dropFirst()) : $0 }
        return (given ?? fallback).lowercased()
    }

    /// The file-name pattern in force.
    public var effectivePattern: String? { fileNamePattern ?? preset?.pattern }

    /// Call-field templates in force: the preset's, overridden key by key.
    public var effectiveFields: [String: [String]] {
        (preset?.fields ?? PBXPreset.genericFields).merging(fields.mapValues(\.all)) { $1 }
    }

    /// Direction mapping in force.
    public var effectiveDirection: [String: String] {
        PBXPreset.directionValues.merging(direction.map { ($0.key.lowercased(), $0.value) }) { $1 }
    }

    /// Stereo channel in force.
    public var effectiveRepChannel: RepChannel { repChannel ?? preset?.repChannel ?? .left }

    /// Gong's call directions.
    static let gongDirections = ["Inbound", "Outbound", "Conference", "Unknown"]

    func check(_ problems: inout ConfigProblems) {
        for (raw, value) in direction.sorted(by: { $0.key < $1.key }) where !Self.gongDirections.contains(value) {
            problems.add(
                .invalid(
                    key: problems.path(CodingKeys.direction) + ".\(raw)",
                    message: "must be \(Self.gongDirections.joined(separator: ", ")), found \"\(value)\""))
        }
        if let cdr { problems.within(CodingKeys.cdr) { cdr.check(&$0) } }
        for (index, rule) in derive.enumerated() {
            let key = problems.path(CodingKeys.derive) + "[\(index)].pattern"
            do {
                _ = try FileNamePattern(pattern: rule.pattern, label: key)
            } catch {
                problems.add(.invalid(key: key, message: error.description))
            }
        }
    }
}

/// `metadata.cdr.*`: an Asterisk CDR CSV (`Master.csv`) to look calls up in.
public struct CDRSettings: Sendable, Equatable, Codable {
    /// Asterisk's default `Master.csv` columns (cdr_csv, no header line).
    public static let asteriskColumns = [
        "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp", "lastdata",
        "start", "answer", "end", "duration", "billsec", "disposition", "amaflags", "uniqueid", "userfield",
    ]

    /// Path of the CSV file.
    public var file: String
    /// Column names, in file order.
    public var columns = TemplateList(CDRSettings.asteriskColumns)
    /// The column matched.
    public var match = "uniqueid"
    /// Template of the value looked for (over file-name and sidecar fields).
    public var value = "{uniqueid}"

    /// A CDR source reading `file`.
    public init(file: String) {
        self.file = file
    }

    func check(_ problems: inout ConfigProblems) {
        if file.isEmpty { problems.missing(CodingKeys.file, hint: "the CDR CSV, e.g. /var/log/asterisk/cdr-csv/Master.csv") }
        if !columns.all.contains(match) { problems.invalid(CodingKeys.match, "\"\(match)\" is not one of metadata.cdr.columns") }
    }
}

/// `metadata.derive[]`: the named captures of `pattern`'s first match in field `from` become fields.
public struct DeriveRule: Sendable, Equatable, Codable {
    /// The field searched (`cdr.dstchannel`).
    public var from: String
    /// A regular expression with named captures.
    public var pattern: String

    /// A rule.
    public init(from: String, pattern: String) {
        self.from = from
        self.pattern = pattern
    }
}

/// What happens to a recording whose rep has no Gong user (`users.unmapped`).
public enum UnmappedUsers: String, Sendable, Equatable, ConfigChoice {
    /// `held` (`unknown_user`): a person looks.
    case hold
    /// `skipped`: no request, nothing held — a pilot with some agents.
    case skip
}

/// `users.*`: how a PBX extension, e-mail address or phone number becomes a Gong user id.
public struct UserSettings: Sendable, Equatable, Codable {
    /// Identifier → Gong user id, from the configuration.
    public var table: [String: String] = [:]
    /// A CSV file of `identifier,userId` lines (header optional).
    public var file: String?
    /// Whether Gong's own user list (`GET /v2/users`) is used, cached in the state database.
    public var fromGong = false
    /// How often Gong's user list is fetched again.
    public var refreshHours = 24.0
    /// What happens to recordings of reps without a Gong user.
    public var unmapped = UnmappedUsers.hold

    /// Defaults: no mapping.
    public init() {}

    /// Whether any user mapping is configured.
    public var isConfigured: Bool { !table.isEmpty || file != nil || fromGong }

    func check(_ problems: inout ConfigProblems) {
        for (key, id) in table.sorted(by: { $0.key < $1.key }) where id.isEmpty || !id.allSatisfy({ $0.isASCII && $0.isNumber }) {
            problems.add(.invalid(key: problems.path(CodingKeys.table) + ".\(key)", message: "expected a Gong user id (digits), found \"\(id)\""))
        }
        problems.number(refreshHours, CodingKeys.refreshHours, min: 0.1)
    }
}
