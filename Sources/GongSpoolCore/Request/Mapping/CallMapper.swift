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
    public func map(_ sources: SourceFields, media: MediaInfo?, directory: UserDirectory, relativePath: String) -> Result<MappedCall, MappingProblem>
    {
        var mapper = CallMapper(mapping: self, sources: sources, media: media, directory: directory, relativePath: relativePath)
        return Result { () throws(MappingProblem) in try mapper.map() }
    }
}

/// One recording's mapping, stage by stage: the start, the direction, the rep and the other
/// side, the identity, the duration, the title and the further fields — each value with the
/// source it came from (`gongspool validate` prints them).
struct CallMapper {
    /// A value and the sources it was made of.
    typealias Sourced = (value: String, sources: [String])

    /// The rep: the identifier that named them, and the Gong user it maps to.
    struct Rep {
        var value: String
        var sources: [String]
        var user: DirectoryUser
        var origin: String
    }

    let mapping: CallMapping
    let sources: SourceFields
    let media: MediaInfo?
    let directory: UserDirectory
    let relativePath: String
    /// Gong field path → where its value came from.
    var provenance: [String: String] = [:]
    /// The sources, and the values templates may use besides (`{rep}`, `{other}`, …).
    var context: SourceFields

    init(mapping: CallMapping, sources: SourceFields, media: MediaInfo?, directory: UserDirectory, relativePath: String) {
        self.mapping = mapping
        self.sources = sources
        self.media = media
        self.directory = directory
        self.relativePath = relativePath
        self.context = sources
    }

    mutating func map() throws(MappingProblem) -> MappedCall {
        let instant = try start()
        var (direction, directionSource) = givenDirection()
        let from = field("from")
        let to = field("to")
        let rep = try findRep(direction: direction, from: from, to: to)
        if direction == "Unknown", from?.value != to?.value {
            // The rep's side tells which way the call went.
            if rep.value == from?.value { (direction, directionSource) = ("Outbound", "inferred: the rep placed the call") }
            if rep.value == to?.value { (direction, directionSource) = ("Inbound", "inferred: the rep received the call") }
        }
        provenance["direction"] = directionSource
        let repIsFrom = rep.value == from?.value || (rep.value != to?.value && direction != "Inbound")
        let other = repIsFrom ? to : from
        let otherName = field(repIsFrom ? "toName" : "fromName")
        let parties = parties(rep: rep, repName: field(repIsFrom ? "fromName" : "toName"), other: other, otherName: otherName)
        let pbxCallId = field("pbxCallId")
        fillContext(pbxCallId: pbxCallId, direction: direction, rep: rep, other: other, otherName: otherName, from: from, to: to)
        var body: [String: JSONValue] = [
            "actualStart": .string(ISOTimestamp.format(instant)),
            "direction": .string(direction),
            "parties": .array(parties),
            "primaryUser": .string(rep.user.id),
            "clientUniqueId": .string(try identity()),
        ]
        provenance["primaryUser"] = provenance["parties[0].userId"]
        if let seconds = try duration() { body["duration"] = .number(seconds) }
        if let title = context.first(mapping.title) {
            body["title"] = .string(title.value.clipped(toUTF16: NewCallValidator.maxTitleLength))
            provenance["title"] = "metadata.title ← " + label(title.sources)
        }
        let fields = customData(requestFields(.object(body)), pbxCallId: pbxCallId)
        return MappedCall(fields: fields, provenance: provenance)
    }

    // MARK: Stages

    /// The call's start, from the first template that resolves, in `spool.timeZone` when naive.
    private mutating func start() throws(MappingProblem) -> Date {
        guard let start = field("start") else {
            throw .invalid("\(relativePath): no call start time (tried \(tried("start")))")
        }
        guard let instant = PBXTime.parse(start.value, zone: mapping.timeZone) else {
            throw .invalid("\(relativePath): start \"\(start.value)\" (\(label(start.sources))) is not a timestamp")
        }
        let naive = ISOTimestamp.parse(start.value) == nil && PBXTime.epochSeconds(start.value) == nil
        provenance["actualStart"] = label(start.sources) + (naive ? " in \(mapping.timeZone.identifier)" : "")
        return instant
    }

    /// The direction the PBX gave (through `metadata.direction`), and where it came from.
    private func givenDirection() -> (String, String) {
        guard let raw = field("direction") else { return ("Unknown", "no direction found: Unknown") }
        let word = raw.value.lowercased()
        let direction = mapping.settings.effectiveDirection[word] ?? MetadataSettings.gongDirections.first { $0.lowercased() == word } ?? "Unknown"
        return (direction, label(raw.sources) + " \"\(raw.value)\" via metadata.direction")
    }

    /// The rep: named outright, or by direction, or the first side that maps to a Gong user.
    private func findRep(direction: String, from: Sourced?, to: Sourced?) throws(MappingProblem) -> Rep {
        let candidates: [Sourced] =
            if let rep = field("rep") {
                [rep]
            } else {
                switch direction {
                case "Inbound": [to].compactMap { $0 }
                case "Outbound", "Conference": [from].compactMap { $0 }
                default: [from, to].compactMap { $0 }
                }
            }
        guard !candidates.isEmpty else {
            throw .invalid("\(relativePath): cannot tell the rep's extension (no from/to/rep field; tried \(tried("from")) and \(tried("to")))")
        }
        var reasons: [String] = []
        for candidate in candidates {
            switch directory.resolve(candidate.value) {
            case .found(let user, let origin):
                if let refusal = user.importRefusal { throw .held(code: .userImportDisabled, reason: refusal) }
                return Rep(value: candidate.value, sources: candidate.sources, user: user, origin: origin)
            case .unknown(let reason):
                reasons.append(reason)
            case .notYet(let reason):
                throw .awaitingUsers(reason)
            }
        }
        throw .held(code: .unknownUser, reason: reasons.joined(separator: "; "))
    }

    /// The rep's party and the other side's; in a stereo file each on its own channel.
    private mutating func parties(rep: Rep, repName: Sourced?, other: Sourced?, otherName: Sourced?) -> [JSONValue] {
        let stereo = media?.channels == 2
        let repChannel = mapping.settings.effectiveRepChannel
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
        if stereo {
            repParty["mediaChannelId"] = .integer(Int64(repChannel.mediaChannelId))
            provenance["parties[0].mediaChannelId"] = "media header (stereo) + metadata.repChannel \(repChannel.rawValue)"
        }
        guard let other else { return [.object(repParty)] }
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
        guard !party.isEmpty else { return [.object(repParty)] }
        if stereo {
            // The other side speaks on the rep's other channel.
            party["mediaChannelId"] = .integer(Int64(1 - repChannel.mediaChannelId))
            provenance["parties[1].mediaChannelId"] = "media header (stereo): the channel that is not metadata.repChannel"
        }
        provenance["parties[1]"] = label(other.sources + (otherName?.sources ?? []))
        return [.object(repParty), .object(party)]
    }

    /// The values templates may use besides the sources.
    private mutating func fillContext(
        pbxCallId: Sourced?, direction: String, rep: Rep, other: Sourced?, otherName: Sourced?,
        from: Sourced?, to: Sourced?
    ) {
        if let pbxCallId { context.set("pbxCallId", pbxCallId.value, source: label(pbxCallId.sources), replace: true) }
        context.set("systemId", mapping.systemId, source: "spool.systemId", replace: true)
        context.set("direction", direction, source: "direction", replace: true)
        context.set("rep", rep.value, source: label(rep.sources), replace: true)
        if let other { context.set("otherNumber", other.value, source: label(other.sources), replace: true) }
        if let otherName { context.set("otherName", otherName.value, source: label(otherName.sources), replace: true) }
        if let shown = otherName ?? other { context.set("other", shown.value, source: label(shown.sources), replace: true) }
        if let from { context.set("from", from.value, source: label(from.sources), replace: true) }
        if let to { context.set("to", to.value, source: label(to.sources), replace: true) }
    }

    /// The clientUniqueId: the sidecar's own wins; else the template (`{systemId}:{pbxCallId}`).
    private mutating func identity() throws(MappingProblem) -> String {
        if let own = sources["sidecar.clientUniqueId"] {
            provenance["clientUniqueId"] = sources.values["sidecar.clientUniqueId"]?.source ?? "sidecar"
            return own
        }
        let template = mapping.clientUniqueId
        switch template.render({ context[$0] }) {
        case .success(let id):
            provenance["clientUniqueId"] =
                "metadata.clientUniqueId \(template) ← " + label(template.fieldNames.compactMap { context.values[$0]?.source })
            return id
        case .failure(let missing):
            let hint = missing.names.contains("pbxCallId") ? " (pbxCallId tried \(tried("pbxCallId")))" : ""
            throw .invalid("\(relativePath): no clientUniqueId: \(template) needs \(missing.names.joined(separator: ", "))\(hint)")
        }
    }

    /// The duration the PBX stated, else the media header's.
    private mutating func duration() throws(MappingProblem) -> Double? {
        if let duration = field("duration") {
            guard let seconds = PBXTime.duration(duration.value) else {
                throw .invalid("\(relativePath): duration \"\(duration.value)\" (\(label(duration.sources))) is not a number of seconds")
            }
            provenance["duration"] = label(duration.sources)
            return seconds
        }
        guard let seconds = media?.durationSeconds else { return nil }
        provenance["duration"] = CallMapping.mediaHeaderSource
        return (seconds * 1000).rounded() / 1000
    }

    /// `metadata.request`: further fields, each cut to its length limit (as Gong counts) rather
    /// than sent to be refused.
    private mutating func requestFields(_ body: JSONValue) -> JSONValue {
        var result = body
        for (path, templates) in mapping.request {
            guard let value = context.first(templates) else { continue }
            let text = NewCallValidator.lengthLimits[path].map { value.value.clipped(toUTF16: $0) } ?? value.value
            result = result.setting(path: path.split(separator: ".").map(String.init), to: .string(text))
            provenance[path] = "metadata.request ← " + label(value.sources)
        }
        return result
    }

    /// `customData`, unless the request has one: where the call came from on the PBX.
    private mutating func customData(_ body: JSONValue, pbxCallId: Sourced?) -> JSONValue {
        guard body["customData"] == nil else { return body }
        var data: [String: JSONValue] = ["source": .string("gongspool"), "systemId": .string(mapping.systemId)]
        if mapping.settings.customDataPath { data["path"] = .string(relativePath) }
        if let pbxCallId { data["pbxCallId"] = .string(pbxCallId.value) }
        guard let text = try? JSONValue.object(data).canonicalJSON() else { return body }
        provenance["customData"] = "PBX provenance (system id, PBX call id\(mapping.settings.customDataPath ? ", path" : ""))"
        return body.setting(path: ["customData"], to: .string(text))
    }

    // MARK: Helpers

    /// The first template of call field `name` that resolves.
    private func field(_ name: String) -> Sourced? {
        mapping.fields[name].flatMap { sources.first($0) }
    }

    /// The templates of `name`, for messages.
    private func tried(_ name: String) -> String {
        (mapping.fields[name] ?? []).map(\.description).joined(separator: ", ")
    }

    private func label(_ list: [String]) -> String { list.isEmpty ? "metadata templates" : list.joined(separator: " + ") }
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
