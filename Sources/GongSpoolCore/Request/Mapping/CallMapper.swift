import Foundation

/// The request fields mapped from PBX sources, with the source of each field.
public struct MappedCall: Sendable, Equatable {
    /// Gong request fields (a JSON object).
    public var fields: JSONValue
    /// Gong field path (`parties[0].userId`) → where its value came from.
    public var provenance: [String: String]
}

/// Why PBX sources did not make a request.
public enum MappingProblem: Error, Sendable, Equatable {
    /// The input cannot make a valid call (never sent).
    case invalid(String)
    /// A person must act (unknown user, import disabled): `held` with this code and reason.
    case held(code: ErrorCode, reason: String)
    /// The user mapping cannot be consulted yet (Gong's list not fetched, users file unreadable).
    case awaitingUsers(String)
}

extension CallMapping {
    /// The provenance of a `duration` read from the media itself (not stated by the PBX).
    public static let mediaHeaderSource = "media header"

    /// Maps `sources` (file name, sidecar, CDR, media, built-ins) to Gong request fields.
    public func map(_ sources: SourceFields, media: MediaInfo?, directory: UserDirectory, relativePath: String) -> Result<MappedCall, MappingProblem> {
        var provenance: [String: String] = [:]
        var context = sources
        func field(_ name: String) -> (value: String, sources: [String])? {
            fields[name].flatMap { sources.first($0) }
        }
        func tried(_ name: String) -> String {
            (fields[name] ?? []).map(\.description).joined(separator: ", ")
        }
        func label(_ list: [String]) -> String { list.isEmpty ? "metadata templates" : list.joined(separator: " + ") }

        // Start time.
        guard let start = field("start") else {
            return .failure(.invalid("\(relativePath): no call start time (tried \(tried("start")))"))
        }
        guard let instant = PBXTime.parse(start.value, zone: timeZone) else {
            return .failure(.invalid("\(relativePath): start \"\(start.value)\" (\(label(start.sources))) is not a timestamp"))
        }
        provenance["actualStart"] = label(start.sources) + (ISOTimestamp.parse(start.value) == nil && PBXTime.epochSeconds(start.value) == nil ? " in \(timeZone.identifier)" : "")

        // Direction.
        var direction = "Unknown"
        var directionSource = "no direction found: Unknown"
        if let raw = field("direction") {
            let gongValues = ["Inbound", "Outbound", "Conference", "Unknown"]
            direction = settings.effectiveDirection[raw.value.lowercased()] ?? gongValues.first { $0.lowercased() == raw.value.lowercased() } ?? "Unknown"
            directionSource = label(raw.sources) + " \"\(raw.value)\" via metadata.direction"
        }
        let from = field("from"), to = field("to")

        // The rep: named outright, or by direction, or the first side that maps to a Gong user.
        var candidates: [(value: String, sources: [String])] = []
        if let rep = field("rep") {
            candidates = [rep]
        } else {
            switch direction {
            case "Inbound": candidates = [to].compactMap { $0 }
            case "Outbound", "Conference": candidates = [from].compactMap { $0 }
            default: candidates = [from, to].compactMap { $0 }
            }
        }
        guard !candidates.isEmpty else {
            return .failure(.invalid("\(relativePath): cannot tell the rep's extension (no from/to/rep field; tried \(tried("from")) and \(tried("to")))"))
        }
        var rep: (value: String, sources: [String], user: DirectoryUser, origin: String)?
        var reasons: [String] = []
        for candidate in candidates {
            switch directory.resolve(candidate.value) {
            case .found(let user, let origin):
                rep = (candidate.value, candidate.sources, user, origin)
            case .unknown(let reason):
                reasons.append(reason)
            case .notYet(let reason):
                return .failure(.awaitingUsers(reason))
            }
            if rep != nil { break }
        }
        guard let rep else {
            return .failure(.held(code: .unknownUser, reason: reasons.joined(separator: "; ")))
        }
        if let refusal = rep.user.importRefusal {
            return .failure(.held(code: .userImportDisabled, reason: refusal))
        }
        if direction == "Unknown" {
            if rep.value == from?.value, from?.value != to?.value {
                direction = "Outbound"
                directionSource = "inferred: the rep placed the call"
            } else if rep.value == to?.value, from?.value != to?.value {
                direction = "Inbound"
                directionSource = "inferred: the rep received the call"
            }
        }
        provenance["direction"] = directionSource

        // The other side.
        let repIsFrom = rep.value == from?.value || (rep.value != to?.value && direction != "Inbound")
        let other = repIsFrom ? to : from
        let otherName = field(repIsFrom ? "toName" : "fromName")
        let repName = field(repIsFrom ? "fromName" : "toName")

        var repParty: [String: JSONValue] = ["userId": .string(rep.user.id)]
        provenance["parties[0].userId"] = "\(label(rep.sources)) \"\(rep.value)\" → \(rep.origin)"
        if let email = rep.user.emailAddress, FormatChecks.isEmail(email) {
            repParty["emailAddress"] = .string(email)
            provenance["parties[0].emailAddress"] = rep.origin
        }
        if let name = rep.user.name ?? repName?.value {
            repParty["name"] = .string(name)
            provenance["parties[0].name"] = rep.user.name != nil ? rep.origin : label(repName?.sources ?? [])
        }
        if media?.channels == 2 {
            repParty["mediaChannelId"] = .integer(Int64(settings.effectiveRepChannel.mediaChannelId))
            provenance["parties[0].mediaChannelId"] = "media header (stereo) + metadata.repChannel \(settings.effectiveRepChannel.rawValue)"
        }
        var parties: [JSONValue] = [.object(repParty)]
        if let other {
            var party: [String: JSONValue] = [:]
            if other.value.contains("@") {
                if FormatChecks.isEmail(other.value) { party["emailAddress"] = .string(other.value) }
            } else {
                party["phoneNumber"] = .string(other.value)
            }
            if let otherName { party["name"] = .string(otherName.value) }
            if case .found(let user, _) = directory.resolve(other.value), user.id != rep.user.id {
                party["userId"] = .string(user.id)
            }
            if !party.isEmpty {
                if media?.channels == 2 {
                    // Stereo: the other side speaks on the rep's other channel.
                    party["mediaChannelId"] = .integer(Int64(1 - settings.effectiveRepChannel.mediaChannelId))
                    provenance["parties[1].mediaChannelId"] = "media header (stereo): the channel that is not metadata.repChannel"
                }
                parties.append(.object(party))
                provenance["parties[1]"] = label(other.sources + (otherName?.sources ?? []))
            }
        }

        // Values templates may use besides the sources.
        let pbxCallId = field("pbxCallId")
        if let pbxCallId { context.set("pbxCallId", pbxCallId.value, source: label(pbxCallId.sources), replace: true) }
        context.set("systemId", systemId, source: "spool.systemId", replace: true)
        context.set("direction", direction, source: "direction", replace: true)
        context.set("rep", rep.value, source: label(rep.sources), replace: true)
        if let other { context.set("otherNumber", other.value, source: label(other.sources), replace: true) }
        if let otherName { context.set("otherName", otherName.value, source: label(otherName.sources), replace: true) }
        if let value = otherName?.value ?? other?.value { context.set("other", value, source: label((otherName ?? other)?.sources ?? []), replace: true) }
        if let from { context.set("from", from.value, source: label(from.sources), replace: true) }
        if let to { context.set("to", to.value, source: label(to.sources), replace: true) }

        var body: [String: JSONValue] = [
            "actualStart": .string(ISOTimestamp.format(instant)),
            "direction": .string(direction),
            "parties": .array(parties),
            "primaryUser": .string(rep.user.id),
        ]
        provenance["primaryUser"] = provenance["parties[0].userId"]

        // Identity: the sidecar's own id wins; else the template ({systemId}:{pbxCallId}).
        if let own = sources["sidecar.clientUniqueId"] {
            body["clientUniqueId"] = .string(own)
            provenance["clientUniqueId"] = sources.values["sidecar.clientUniqueId"]?.source ?? "sidecar"
        } else {
            switch clientUniqueId.render({ context[$0] }) {
            case .success(let id):
                body["clientUniqueId"] = .string(id)
                let used = clientUniqueId.fieldNames.compactMap { context.values[$0]?.source }
                provenance["clientUniqueId"] = "metadata.clientUniqueId \(clientUniqueId) ← " + label(used)
            case .failure(let missing):
                let hint = missing.names.contains("pbxCallId") ? " (pbxCallId tried \(tried("pbxCallId")))" : ""
                return .failure(.invalid("\(relativePath): no clientUniqueId: \(clientUniqueId) needs \(missing.names.joined(separator: ", "))\(hint)"))
            }
        }

        // Duration: mapped, else from the media header.
        if let duration = field("duration") {
            guard let seconds = PBXTime.duration(duration.value) else {
                return .failure(.invalid("\(relativePath): duration \"\(duration.value)\" (\(label(duration.sources))) is not a number of seconds"))
            }
            body["duration"] = .number(seconds)
            provenance["duration"] = label(duration.sources)
        } else if let seconds = media?.durationSeconds {
            body["duration"] = .number((seconds * 1000).rounded() / 1000)
            provenance["duration"] = Self.mediaHeaderSource
        }

        if let title = context.first(title) {
            body["title"] = .string(title.value.clipped(toUTF16: NewCallValidator.maxTitleLength))
            provenance["title"] = "metadata.title ← " + label(title.sources)
        }
        var result = JSONValue.object(body)
        for (path, templates) in request {
            guard let value = context.first(templates) else { continue }
            // A field with a length limit is cut to it (as Gong counts), not sent to be refused.
            let limit = NewCallValidator.lengthLimits[path]
            result = result.setting(path: path.split(separator: ".").map(String.init), to: .string(limit.map { value.value.clipped(toUTF16: $0) } ?? value.value))
            provenance[path] = "metadata.request ← " + label(value.sources)
        }
        if result["customData"] == nil {
            var provenanceData: [String: JSONValue] = ["source": .string("gongspool"), "systemId": .string(systemId)]
            if settings.customDataPath { provenanceData["path"] = .string(relativePath) }
            if let pbxCallId { provenanceData["pbxCallId"] = .string(pbxCallId.value) }
            if let text = try? JSONValue.object(provenanceData).canonicalJSON() {
                result = result.setting(path: ["customData"], to: .string(text))
                provenance["customData"] = "PBX provenance (system id, PBX call id\(settings.customDataPath ? ", path" : ""))"
            }
        }
        return .success(MappedCall(fields: result, provenance: provenance))
    }
}

extension JSONValue {
    /// A copy with `value` at the object path `path` (objects created as needed).
    func setting(path: [String], to value: JSONValue) -> JSONValue {
        guard let key = path.first else { return value }
        var members = objectValue ?? [:]
        members[key] = (members[key] ?? .object([:])).setting(path: Array(path.dropFirst()), to: value)
        return .object(members)
    }
}
