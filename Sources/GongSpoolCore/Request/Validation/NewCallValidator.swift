import Foundation

/// Validates a Gong "Add New Call" request body: the JSON Schema in
/// ``NewCallSchemaText`` plus the cross-field rules of the Gong reference (§4.5)
/// and the limits GongSpool sets on top (see "Validation" in `docs/design.md`). If the embedded
/// schema cannot be used, every request is invalid (fail closed) and the daemon refuses to start.
public struct NewCallValidator: Sendable {
    /// Longest `title` accepted, in UTF-16 units (an integrator-proven safe bound; Gong documents none).
    public static let maxTitleLength = 1024
    /// Longest `customData` accepted, in UTF-16 units (Gong documents no limit; keeps runaway sidecars out).
    public static let maxCustomDataLength = 65_536
    /// Longest `purpose` / `disposition`, counted in UTF-16 units like Gong's Java back end.
    public static let maxShortTextLength = 255

    /// Longest call duration (and speech-segment time) accepted, in seconds: a week. Gong
    /// documents no bound; no recording lasts longer (1.5 GB of 8 kHz µ-law is 52 hours), and a
    /// stated `duration` of 1e20 is a broken sidecar, not a call.
    public static let maxCallSeconds: Double = 604_800

    private let schema: SchemaValidator?

    /// `GONGSPOOL_TEST_VALIDATOR_MUTATION=accept-all`: a test's deliberately broken validator,
    /// to prove the simulator's independent check catches what this one lets through. Never set
    /// outside tests.
    static let testMutation: String? = ProcessInfo.processInfo.environment["GONGSPOOL_TEST_VALIDATOR_MUTATION"]

    /// The request schema, parsed and checked once.
    public static let schemaDocument: Result<JSONValue, SchemaError> = load(NewCallSchemaText.json)

    /// Parses `text` as a schema this validator can execute: JSON, and only known keywords.
    public static func load(_ text: String) -> Result<JSONValue, SchemaError> {
        let document: JSONValue
        do {
            document = try JSONValue.parse(Data(text.utf8))
        } catch {
            return .failure(SchemaError(reason: "not JSON: \(error.description)"))
        }
        let unknown = SchemaValidator.unknownKeywords(in: document)
        guard unknown.isEmpty else {
            return .failure(SchemaError(reason: "keywords the validator does not execute: \(unknown.joined(separator: ", "))"))
        }
        return .success(document)
    }

    /// Throws when the embedded schema cannot be used (checked at start: the daemon must not
    /// run with a validator that would let anything through).
    public static func checkEmbeddedSchema() throws(SchemaError) {
        _ = try schemaDocument.get()
    }

    /// Creates a validator using the embedded Gong schema.
    public init() {
        schema = (try? Self.schemaDocument.get()).map(SchemaValidator.init(schema:))
    }

    /// Every issue in `request`; empty when it may be sent.
    ///
    /// - Parameter mediaUpload: `true` when GongSpool will PUT the media itself,
    ///   which rules out `downloadMediaUrl` (reference §4.5 rule 3).
    public func validate(_ request: JSONValue, mediaUpload: Bool = true) -> [ValidationIssue] {
        if Self.testMutation == "accept-all" { return [] }
        guard let schema else {
            let why = (try? Self.schemaDocument.get()).map { _ in "" } ?? "\(Self.schemaDocument)"
            return [ValidationIssue(path: "$", message: "the embedded request schema is unusable, nothing can be validated: \(why)")]
        }
        var issues = schema.validate(request)
        guard case .object(let body) = request else { return issues }
        issues += crossFieldIssues(body, mediaUpload: mediaUpload)
        return issues
    }

    private func crossFieldIssues(_ body: [String: JSONValue], mediaUpload: Bool) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        let parties = body["parties"]?.arrayValue ?? []
        // Rule 1: a party for the primary user.
        if case .string(let primary)? = body["primaryUser"], !parties.isEmpty,
            !parties.contains(where: { $0["userId"] == .string(primary) })
        {
            issues.append(
                ValidationIssue(path: "primaryUser", message: "no party has userId \"\(primary)\": Gong needs a party for the primary user"))
        }
        // Rule 2: speech segments reference known parties.
        let partyIds = Set(parties.compactMap { $0["partyId"]?.stringValue })
        let segments = body["speakersTimeline"]?["speechSegments"]?.arrayValue ?? []
        for (i, segment) in segments.enumerated() {
            let path = "speakersTimeline.speechSegments[\(i)]"
            for (j, id) in (segment["partyIds"]?.arrayValue ?? []).enumerated() {
                if let id = id.stringValue, !partyIds.contains(id) {
                    issues.append(ValidationIssue(path: "\(path).partyIds[\(j)]", message: "no party has partyId \"\(id)\""))
                }
            }
            if let from = segment["fromTime"]?.doubleValue, let to = segment["toTime"]?.doubleValue, to < from {
                issues.append(
                    ValidationIssue(
                        path: "\(path).toTime", message: "ends before it starts (fromTime \(Bounded.text(from)) > toTime \(Bounded.text(to)))"))
            }
        }
        // Rule 7: times in seconds within what a call can last (the schema bounds them below only).
        var times = [("duration", body["duration"])]
        for (i, segment) in segments.enumerated() {
            times += [
                ("speakersTimeline.speechSegments[\(i)].fromTime", segment["fromTime"]),
                ("speakersTimeline.speechSegments[\(i)].toTime", segment["toTime"]),
            ]
        }
        for case (let path, let value?) in times {
            if let seconds = value.doubleValue, !(seconds <= Self.maxCallSeconds) {
                issues.append(
                    ValidationIssue(
                        path: path,
                        message: "\(Bounded.text(seconds)) s is out of range: no call lasts more than \(Bounded.text(Self.maxCallSeconds)) s (a week)"
                    ))
            }
        }
        // Rule 3: media either pulled by Gong or pushed by us, never both.
        if mediaUpload, body["downloadMediaUrl"] != nil {
            issues.append(
                ValidationIssue(path: "downloadMediaUrl", message: "not allowed: GongSpool uploads the media itself (PUT /v2/calls/{id}/media)"))
        }
        // Rule 4: sane times.
        if let start = body["scheduledStart"]?.stringValue.flatMap(ISOTimestamp.parse),
            let end = body["scheduledEnd"]?.stringValue.flatMap(ISOTimestamp.parse), end < start
        {
            issues.append(ValidationIssue(path: "scheduledEnd", message: "is before scheduledStart"))
        }
        // Rule 5: lengths as Gong counts them (UTF-16 units), and our own bounds.
        for (key, limit) in Self.lengthLimits.sorted(by: { $0.key < $1.key }) {
            guard let text = body[key]?.stringValue, text.utf16.count > limit else { continue }
            // The schema's maxLength (code points) already reported the grossly long ones.
            let reportedBySchema = limit == Self.maxShortTextLength && text.unicodeScalars.count > limit
            if !reportedBySchema {
                issues.append(ValidationIssue(path: key, message: "longer than \(limit) characters (found \(text.utf16.count) UTF-16 units)"))
            }
        }
        // Rule 6: the CRM contexts Gong accepts today ("currently only Salesforce and Generic are
        // supported"; the schema's enum also lists HubSpot and MicrosoftDynamic).
        // The same for each party's context (reference §4.3: "Salesforce or Generic").
        var contexts = (body["context"]?.arrayValue ?? []).enumerated().map { ("context[\($0.offset)]", $0.element) }
        for (p, party) in parties.enumerated() {
            contexts += (party["context"]?.arrayValue ?? []).enumerated().map { ("parties[\(p)].context[\($0.offset)]", $0.element) }
        }
        for (path, context) in contexts {
            if let system = context["system"]?.stringValue, !Self.contextSystems.contains(system) {
                issues.append(
                    ValidationIssue(
                        path: "\(path).system",
                        message: "Gong currently supports only \(Self.contextSystems.sorted().joined(separator: " and ")), found \"\(system)\""))
            }
        }
        return issues
    }

    /// The text fields with a length limit, in UTF-16 units (the mapping cuts to these).
    public static let lengthLimits: [String: Int] = [
        "purpose": maxShortTextLength, "disposition": maxShortTextLength, "title": maxTitleLength, "customData": maxCustomDataLength,
    ]

    /// `context[].system` values Gong documents as supported.
    public static let contextSystems: Set<String> = ["Salesforce", "Generic"]
}

/// The embedded request schema cannot be used.
public struct SchemaError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Why.
    public var reason: String

    public var description: String { "embedded Gong request schema unusable: \(reason)" }
}
