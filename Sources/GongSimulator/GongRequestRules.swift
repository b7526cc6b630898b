import Foundation
import GongSpoolCore

/// The simulator's own reading of Gong's "Add New Call" request (reference §4 and the schema),
/// written field by field without the daemon's validator or its schema interpreter: a gap in
/// the daemon's validation does not pass here too. Each problem is one line, as Gong's 400s list them.
enum GongRequestRules {
    static let topLevel: Set<String> = [
        "clientUniqueId", "title", "purpose", "scheduledStart", "scheduledEnd", "actualStart", "duration", "parties", "direction",
        "disposition", "context", "customData", "speakersTimeline", "meetingUrl", "callProviderCode", "downloadMediaUrl", "workspaceId",
        "languageCode", "primaryUser",
    ]
    static let partyKeys: Set<String> = ["phoneNumber", "emailAddress", "name", "partyId", "mediaChannelId", "context", "userId"]
    static let directions: Set<String> = ["Inbound", "Outbound", "Conference", "Unknown"]
    /// Gong: "currently only Salesforce and Generic are supported" (the schema's enum lists four).
    static let callSystems: Set<String> = ["Salesforce", "Generic"]
    /// Gong: "Salesforce or Generic" for a party's context (reference §4.3).
    static let partySystems: Set<String> = ["Salesforce", "Generic"]

    /// Every problem with `body`; empty when Gong would take it.
    static func problems(_ body: JSONValue) -> [String] {
        guard case .object(let fields) = body else { return ["the request body must be a JSON object"] }
        var out: [String] = []
        for key in fields.keys.sorted() where !topLevel.contains(key) { out.append("Unrecognized field \"\(key)\"") }
        for key in ["clientUniqueId", "actualStart", "parties", "direction", "primaryUser"] where fields[key] == nil {
            out.append("\(key) is required")
        }
        if let id = fields["clientUniqueId"] {
            if let text = id.stringValue {
                if text.isEmpty || text.utf16.count > 2048 { out.append("clientUniqueId must be 1 to 2048 characters") }
            } else {
                out.append("clientUniqueId must be a string")
            }
        }
        for key in ["actualStart", "scheduledStart", "scheduledEnd"] {
            if let value = fields[key], !isDateTime(value.stringValue) { out.append("\(key) must be an ISO-8601 date-time with a zone") }
        }
        if let direction = fields["direction"], !directions.contains(direction.stringValue ?? "") {
            out.append("direction must be one of Inbound, Outbound, Conference, Unknown")
        }
        for key in ["primaryUser", "workspaceId"] {
            if let value = fields[key], !isGongId(value.stringValue) { out.append("\(key) must be a Gong id (up to 20 digits)") }
        }
        if let duration = fields["duration"] {
            switch duration {
            case .integer(let n) where n >= 0: break
            case .number(let n) where n >= 0 && n.isFinite: break
            default: out.append("duration must be a non-negative number")
            }
        }
        for key in ["purpose", "disposition"] {
            if let value = fields[key] {
                if let text = value.stringValue {
                    if text.utf16.count > 255 { out.append("\(key) must be at most 255 characters") }
                } else {
                    out.append("\(key) must be a string")
                }
            }
        }
        for key in ["title", "customData", "meetingUrl", "callProviderCode", "languageCode"] {
            if let value = fields[key], value.stringValue == nil { out.append("\(key) must be a string") }
        }
        if fields["downloadMediaUrl"] != nil, fields["downloadMediaUrl"]?.stringValue == nil { out.append("downloadMediaUrl must be a string") }
        out += contextProblems(fields["context"], path: "context", systems: callSystems)
        out += partyProblems(fields)
        out += timelineProblems(fields["speakersTimeline"], parties: fields["parties"]?.arrayValue ?? [])
        return out
    }

    private static func partyProblems(_ fields: [String: JSONValue]) -> [String] {
        guard let value = fields["parties"] else { return [] }
        guard let parties = value.arrayValue, !parties.isEmpty else { return ["parties must be a non-empty array"] }
        var out: [String] = []
        for (index, party) in parties.enumerated() {
            let path = "parties[\(index)]"
            guard case .object(let keys) = party else {
                out.append("\(path) must be an object")
                continue
            }
            for key in keys.keys.sorted() where !partyKeys.contains(key) { out.append("\(path): unrecognized field \"\(key)\"") }
            if ["userId", "emailAddress", "phoneNumber", "name"].allSatisfy({ keys[$0] == nil }) {
                out.append("\(path) needs a userId, emailAddress, phoneNumber or name")
            }
            if let user = keys["userId"], !isGongId(user.stringValue) { out.append("\(path).userId must be a Gong id") }
            if let email = keys["emailAddress"] {
                let text = email.stringValue ?? ""
                let halves = text.split(separator: "@", omittingEmptySubsequences: false)
                if halves.count != 2 || halves[0].isEmpty || !halves[1].contains(".") || text.contains(where: \.isWhitespace) {
                    out.append("\(path).emailAddress is not an e-mail address")
                }
            }
            for key in ["phoneNumber", "name", "partyId"] {
                if let text = keys[key], (text.stringValue ?? "").isEmpty { out.append("\(path).\(key) must be a non-empty string") }
            }
            if let channel = keys["mediaChannelId"], channel != .integer(0) && channel != .integer(1) {
                out.append("\(path).mediaChannelId must be 0 or 1")
            }
            out += contextProblems(keys["context"], path: "\(path).context", systems: partySystems)
        }
        if let primary = fields["primaryUser"]?.stringValue, !parties.contains(where: { $0["userId"]?.stringValue == primary }) {
            out.append("no party is the primaryUser \(primary)")
        }
        return out
    }

    private static func contextProblems(_ value: JSONValue?, path: String, systems: Set<String>) -> [String] {
        guard let value else { return [] }
        guard let entries = value.arrayValue else { return ["\(path) must be an array"] }
        var out: [String] = []
        for (index, entry) in entries.enumerated() {
            guard case .object(let keys) = entry else {
                out.append("\(path)[\(index)] must be an object")
                continue
            }
            if !systems.contains(keys["system"]?.stringValue ?? "") {
                out.append("\(path)[\(index)].system must be one of \(systems.sorted().joined(separator: ", "))")
            }
            for (offset, object) in (keys["objects"]?.arrayValue ?? []).enumerated() {
                if (object["objectType"]?.stringValue ?? "").isEmpty || (object["objectId"]?.stringValue ?? "").isEmpty {
                    out.append("\(path)[\(index)].objects[\(offset)] needs objectType and objectId")
                }
            }
        }
        return out
    }

    private static func timelineProblems(_ value: JSONValue?, parties: [JSONValue]) -> [String] {
        guard let value else { return [] }
        guard case .object = value else { return ["speakersTimeline must be an object"] }
        let known = Set(parties.compactMap { $0["partyId"]?.stringValue })
        var out: [String] = []
        for (index, segment) in (value["speechSegments"]?.arrayValue ?? []).enumerated() {
            let path = "speakersTimeline.speechSegments[\(index)]"
            guard case .integer(let from)? = segment["fromTime"], case .integer(let to)? = segment["toTime"], from >= 0, to >= from,
                to <= Int64(Int32.max)
            else {
                out.append("\(path) needs integer fromTime ≤ toTime")
                continue
            }
            let ids = segment["partyIds"]?.arrayValue ?? []
            if ids.isEmpty || ids.contains(where: { !known.contains($0.stringValue ?? "") }) {
                out.append("\(path).partyIds must name parties of the call")
            }
        }
        return out
    }

    static func isGongId(_ text: String?) -> Bool {
        guard let text, (1...20).contains(text.utf8.count) else { return false }
        return text.utf8.allSatisfy { (48...57).contains($0) }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, read by `ISO8601DateFormatter`-free rules.
    static func isDateTime(_ text: String?) -> Bool {
        guard let text else { return false }
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return false }
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count, bytes[range].allSatisfy({ (48...57).contains($0) }) else { return nil }
            return bytes[range].reduce(0) { $0 * 10 + Int($1 - 48) }
        }
        guard let month = digits(5..<7), let day = digits(8..<10), let hour = digits(11..<13), let minute = digits(14..<16),
            let second = digits(17..<19), digits(0..<4) != nil,
            bytes[4] == 45, bytes[7] == 45, bytes[10] == 84, bytes[13] == 58, bytes[16] == 58,
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return false }
        var index = 19
        if bytes[index] == 46 {
            index += 1
            let start = index
            while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
            guard (1...9).contains(index - start) else { return false }
        }
        let zone = Array(bytes[index...])
        if zone == [90] { return true }
        guard zone.count == 6, zone[0] == 43 || zone[0] == 45, zone[3] == 58 else { return false }
        return zone[1...2].allSatisfy { (48...57).contains($0) } && zone[4...5].allSatisfy { (48...57).contains($0) }
    }
}
