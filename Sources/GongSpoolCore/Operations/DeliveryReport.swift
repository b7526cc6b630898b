import Foundation

/// `gongspool report`: one line per recording of a period, for an auditor ("which calls of
/// March went where") and for the Gong admin ("where is the call of 3 March at 10:14 from
/// +1 555…?"). Rows are read a page at a time and written as they come: a year of history is
/// never held in memory.
public struct DeliveryReport: Sendable {
    /// The output formats.
    public enum Format: String, Sendable, CaseIterable {
        /// RFC 4180 CSV with a header line.
        case csv
        /// A JSON array, one object per recording.
        case json
    }

    /// Which recordings.
    public struct Filter: Sendable {
        /// Calls from this time on (the call's start; a recording never built into a request, by
        /// when it was first seen).
        public var since: Date
        /// Calls before this time, if given.
        public var until: Date?
        /// Only calls with a party of this number (any formatting).
        public var phone: String?
        /// Only calls of this Gong user id.
        public var user: String?
        /// `privacy.countryCode`, for national forms of `phone`.
        public var countryCode: String?

        /// A filter from `since`.
        public init(since: Date, until: Date? = nil, phone: String? = nil, user: String? = nil, countryCode: String? = nil) {
            self.since = since
            self.until = until
            self.phone = phone
            self.user = user
            self.countryCode = countryCode
        }
    }

    /// One recording's line.
    public struct Line: Sendable, Equatable {
        public var clientUniqueId: String?
        public var callStart: Date?
        public var direction: String?
        public var gongUserId: String?
        public var state: RecordingState
        public var reasonCode: String?
        public var callId: String?
        public var url: String?
        /// When Gong last listed the call (reconciliation).
        public var listedByGong: Date?
        /// Never sent by the privacy policy.
        public var excluded: Bool
        /// Erased on request (`gongspool erase`): a tombstone, no path.
        public var erased: Bool
        public var path: String?
        /// The parties' phone numbers (for the filter; not printed).
        var numbers: [String]
        /// When GongSpool first saw the files.
        var firstSeen: Date

        /// The line of `row`.
        init(_ row: Recording) {
            let request = row.requestJSON.flatMap { try? JSONValue.parse(Data($0.utf8)) }
            clientUniqueId = row.clientUniqueId ?? row.filesClientUniqueId
            callStart = request?["actualStart"]?.stringValue.flatMap(ISOTimestamp.parse)
            direction = request?["direction"]?.stringValue
            gongUserId = request?["primaryUser"]?.stringValue
            state = row.state
            reasonCode = row.lastErrorCode?.rawValue
            callId = row.callId
            url = row.mediaURL
            listedByGong = row.confirmedAt
            excluded = row.lastErrorCode == .excludedByPolicy
            erased = row.lastErrorCode == .erasedOnRequest
            path = row.audioPath ?? row.sidecarPath
            numbers = (request?["parties"]?.arrayValue ?? []).compactMap { $0["phoneNumber"]?.stringValue }
            firstSeen = row.firstSeenAt
        }
    }

    /// The columns, in order.
    public static let columns = [
        "clientUniqueId", "callStart", "direction", "gongUserId", "state", "reasonCode", "callId", "url", "listedByGong", "excluded", "erased",
        "path",
    ]

    public let filter: Filter
    public let format: Format

    /// A report of `filter` in `format`.
    public init(filter: Filter, format: Format) {
        self.filter = filter
        self.format = format
    }

    /// Whether `line` belongs in the report.
    func includes(_ line: Line) -> Bool {
        let time = line.callStart ?? line.firstSeen
        guard time >= filter.since, filter.until.map({ time < $0 }) ?? true else { return false }
        if let user = filter.user, line.gongUserId != user { return false }
        if let phone = filter.phone, !line.numbers.contains(where: { NeverSendPolicy.sameNumber($0, phone, countryCode: filter.countryCode) }) {
            return false
        }
        return true
    }

    /// Writes the report through `write` (text as it is ready), reading `pageSize` rows at a
    /// time; returns how many recordings it has.
    @discardableResult
    public func write(from store: any StatusStore, pageSize: Int = 500, _ write: (String) -> Void) async throws -> Int {
        var count = 0
        write(format == .csv ? Self.columns.joined(separator: ",") + "\n" : "[")
        var after: Int64 = 0
        while true {
            let page = try await store.recordings(afterId: after, limit: pageSize)
            guard let last = page.last?.id else { break }
            after = last
            for row in page {
                let line = Line(row)
                guard includes(line) else { continue }
                write(format == .csv ? Self.csv(line) + "\n" : (count == 0 ? "\n" : ",\n") + Self.json(line))
                count += 1
            }
            if page.count < pageSize { break }
        }
        if format == .json { write(count == 0 ? "]\n" : "\n]\n") }
        return count
    }

    static func values(_ line: Line) -> [String?] {
        [
            line.clientUniqueId, line.callStart.map(ISOTimestamp.format), line.direction, line.gongUserId, line.state.rawValue, line.reasonCode,
            line.callId, line.url, line.listedByGong.map(ISOTimestamp.format), line.excluded ? "yes" : "no", line.erased ? "yes" : "no",
            line.path,
        ]
    }

    /// One CSV record: quoted where needed (RFC 4180); a field a spreadsheet would run as a
    /// formula (`=`, `+`, `-`, `@` first) gets a leading `'`.
    static func csv(_ line: Line) -> String {
        values(line).map { value in
            guard var text = value else { return "" }
            if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
            guard text.contains(where: { ",\"\n\r".contains($0) }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",")
    }

    /// One JSON object (compact).
    static func json(_ line: Line) -> String {
        var object: [String: JSONValue] = [:]
        for (column, value) in zip(columns, values(line)) {
            object[column] =
                switch column {
                case "excluded": .bool(line.excluded)
                case "erased": .bool(line.erased)
                default: value.map(JSONValue.string) ?? .null
                }
        }
        return (try? JSONValue.object(object).canonicalData()).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
