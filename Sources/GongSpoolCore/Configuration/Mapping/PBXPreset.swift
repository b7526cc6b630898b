/// Built-in PBX layouts: a file-name pattern over the path relative to the spool and the
/// templates that turn its captures into call fields. Every value can be overridden in
/// `metadata.*`; `docs/pbx.md` shows each one as ready-to-copy configuration.
public enum PBXPreset: String, Sendable, Equatable, ConfigChoice {
    /// FreePBX call recordings: `YYYY/MM/DD/<dir>-<to>-<from>-<YYYYMMDD>-<HHMMSS>-<uniqueid>.wav`.
    case freepbx
    /// Asterisk MixMonitor: `[<YYYYMMDD>-<HHMMSS>-<from>-<to>-]<uniqueid>.wav`, CDR for the rest.
    case asteriskMixMonitor = "asterisk-mixmonitor"
    /// 3CX: `<extension>/[<name>]_<from>-<to>_<YYYYMMDDHHMMSS>(<callid>).wav`.
    case threeCX = "3cx"

    /// The file-name pattern (named captures).
    public var pattern: String {
        switch self {
        case .freepbx:
            #"^(?:.*/)?(?<direction>[a-z]+)-(?<to>[^-/]*)-(?<from>[^-/]*)-(?<date>\d{8})-(?<time>\d{6})-(?<uniqueid>(?:[^/]*-)?(?<epoch>\d{9,})\.\d+)\.[A-Za-z0-9]+$"#
        case .asteriskMixMonitor:
            #"^(?:.*/)?(?:(?<date>\d{8})-(?<time>\d{6})-(?<from>[^-/]*)-(?<to>[^-/]*)-)?(?<uniqueid>(?:[^/]*-)?(?<epoch>\d{9,})\.\d+)\.[A-Za-z0-9]+$"#
        case .threeCX:
            #"^(?:.*/)?(?<ext>[^/]+)/\[(?<name>[^\]/]*)\]_(?<from>[^-_/]+)-(?<to>[^_/]+)_(?<datetime>\d{14})\((?<callid>[^)/]+)\)\.[A-Za-z0-9]+$"#
        }
    }

    /// Call-field templates (first that resolves wins).
    public var fields: [String: [String]] {
        var fields = Self.genericFields
        switch self {
        case .freepbx:
            fields["start"] = ["{date}{time}", "{epoch}"]
        case .asteriskMixMonitor:
            fields["start"] = ["{date}{time}", "{cdr.start}", "{epoch}"]
            fields["from"] = ["{from}", "{cdr.src}"]
            fields["to"] = ["{to}", "{cdr.dst}"]
            fields["duration"] = ["{cdr.billsec}"]
        case .threeCX:
            fields["pbxCallId"] = ["{datetime}-{callid}-{ext}"]
            fields["start"] = ["{datetime}"]
            fields["rep"] = ["{ext}"]
            fields["fromName"] = ["{name}"]
        }
        return fields
    }

    /// Templates used without a preset: captures and sidecar fields of the same names.
    public static let genericFields: [String: [String]] = [
        "pbxCallId": ["{uniqueid}", "{sidecar.uniqueid}", "{cdr.uniqueid}"],
        "start": ["{start}", "{sidecar.start}", "{cdr.start}"],
        "direction": ["{direction}", "{sidecar.direction}"],
        "from": ["{from}", "{sidecar.from}", "{cdr.src}"],
        "to": ["{to}", "{sidecar.to}", "{cdr.dst}"],
        "duration": ["{duration}", "{sidecar.duration}", "{cdr.billsec}"],
    ]

    /// PBX direction words → Gong `direction` (anything else is `Unknown`, then inferred).
    public static let directionValues: [String: String] = [
        "in": "Inbound", "inbound": "Inbound", "incoming": "Inbound", "q": "Inbound", "rg": "Inbound",
        "out": "Outbound", "outbound": "Outbound", "outgoing": "Outbound",
        "internal": "Conference", "conference": "Conference", "conf": "Conference",
        "external": "Unknown",
    ]

    /// The rep's channel in stereo files (Asterisk MixMonitor's `D` option puts the recorded
    /// channel's own audio left; 3CX stereo recordings put the extension left).
    public var repChannel: RepChannel { .left }
}
