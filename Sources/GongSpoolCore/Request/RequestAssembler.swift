import Foundation

/// One recording's inputs to request building, read by ``RecordingEvaluator``.
public struct AssemblyInputs: Sendable {
    /// The audio file, relative to the spool.
    public var audioPath: String
    /// The sidecar, relative to the spool, and its bytes (when a sidecar is in use).
    public var sidecar: (path: String, data: Data)?
    /// What the media header said.
    public var media: MediaInfo?

    /// Inputs for one recording.
    public init(audioPath: String, sidecar: (path: String, data: Data)?, media: MediaInfo?) {
        self.audioPath = audioPath
        self.sidecar = sidecar
        self.media = media
    }
}

/// How request building ended.
public enum Assembly: Sendable, Equatable {
    /// A valid request, with the source of every field (JSON path → source).
    case built(BuiltRequest, provenance: [String: String])
    /// Invalid input: `rejected`, never sent.
    case invalid(RequestProblem)
    /// A person must act first: `held`.
    case held(code: ErrorCode, reason: String)
    /// Cannot be decided yet (a CDR row not written): stays `pending` with this reason.
    case notYet(String)
    /// The user mapping cannot be consulted yet: waits, however long, with this reason.
    case awaitingUsers(String)
    /// A party is one whose calls are never sent (``NeverSendPolicy``): `skipped`, never sent.
    case excluded(rule: String)
}

/// Builds the request for one recording from every configured source: the Gong-shaped sidecar
/// (strongest), the fields mapped from the file name, other sidecars and the CDR, then the
/// configured `defaults`; checks the primary user against the user directory; validates.
public struct RequestAssembler: Sendable {
    /// Defaults and validation.
    public let builder: RequestBuilder
    /// The PBX mapping, when one is configured.
    public let mapping: CallMapping?
    /// The sidecar kind in force.
    public let sidecarFormat: SidecarFormat
    /// Whose calls are never sent (the configuration's, then the erasures' added by intake).
    public internal(set) var policy: NeverSendPolicy

    /// An assembler for `config`.
    public init(config: Configuration) throws(ConfigurationError) {
        builder = RequestBuilder(defaults: config.defaults)
        mapping = config.metadata.isMapped ? try CallMapping(config) : nil
        sidecarFormat = config.metadata.effectiveSidecar
        policy = NeverSendPolicy(config.privacy)
    }

    /// Builds, checks and validates; `cdr` is consulted when configured, and a missing CDR row
    /// is waited for unless `waitForCDR` is false.
    public func assemble(_ inputs: AssemblyInputs, directory: UserDirectory, cdr: CDRIndex? = nil, waitForCDR: Bool = false) -> Assembly {
        let file = inputs.sidecar?.path ?? inputs.audioPath
        func problem(_ message: String, path: String = "$") -> Assembly {
            .invalid(RequestProblem(file: file, issues: [ValidationIssue(path: path, message: message)]))
        }
        var gongSidecar = JSONValue.object([:])
        var sources = SourceFields()
        if let sidecar = inputs.sidecar {
            guard sidecar.data.count <= RequestBuilder.maxSidecarBytes else {
                return problem("sidecar is larger than \(RequestBuilder.maxSidecarBytes >> 20) MiB")
            }
            if sidecarFormat == .gong {
                let parsed: JSONValue
                do { parsed = try JSONValue.parse(sidecar.data) } catch { return problem(error.description) }
                guard case .object = parsed else { return problem("expected a JSON object, found \(parsed.typeName)") }
                gongSidecar = parsed
            } else {
                do {
                    for (name, value) in try SidecarReader.fields(sidecar.data, format: sidecarFormat) {
                        sources.set(name, value, source: "sidecar \(sidecar.path)")
                    }
                } catch {
                    return problem(error.description)
                }
            }
        }
        var mapped = MappedCall(fields: .object([:]), provenance: [:])
        if let mapping {
            if let pattern = mapping.pattern {
                guard let captures = pattern.captures(inputs.audioPath) else {
                    return .invalid(
                        RequestProblem(
                            file: inputs.audioPath,
                            issues: [ValidationIssue(path: "$", message: "the path does not match the \(pattern.label) pattern \(pattern.pattern)")]))
                }
                for (name, value) in captures { sources.set(name, value, source: pattern.label) }
            }
            let name = inputs.audioPath.split(separator: "/").last.map(String.init) ?? inputs.audioPath
            sources.set("path", inputs.audioPath, source: "spool path")
            sources.set("fileName", name, source: "spool path")
            if let channels = inputs.media?.channels { sources.set("media.channels", String(channels), source: "media header") }
            if let seconds = inputs.media?.durationSeconds { sources.set("media.duration", String(seconds), source: "media header") }
            if let cdr, let template = mapping.cdrValue {
                switch template.render({ sources[$0] }) {
                case .success(let key):
                    if let row = cdr.row(key) {
                        for (column, value) in row { sources.set("cdr." + column, value, source: "CDR \(cdr.settings.file)") }
                    } else if waitForCDR {
                        return .notYet(
                            "waiting for CDR row \(cdr.settings.match)=\(key) in \(cdr.settings.file)" + (cdr.lastError.map { " (\($0))" } ?? ""))
                    }
                case .failure(let missing):
                    if waitForCDR { return .notYet("CDR lookup \(template) needs \(missing.names.joined(separator: ", "))") }
                }
            }
            for rule in mapping.derive {
                guard let value = sources[rule.from], let captures = rule.pattern.firstCaptures(in: value) else { continue }
                for (name, text) in captures { sources.set(name, text, source: rule.pattern.label) }
            }
            // Before the rep is looked up: an excluded extension is never sent, whether or not
            // it maps to a Gong user.
            let pbxValues = ["from", "to", "rep"].compactMap { mapping.fields[$0].flatMap { sources.first($0)?.value } }
            if let rule = policy.match(numbers: [], pbxValues: pbxValues) { return .excluded(rule: rule.name) }
            switch mapping.map(sources, media: inputs.media, directory: directory, relativePath: inputs.audioPath) {
            case .success(let call): mapped = call
            case .failure(.invalid(let reason)): return problem(reason)
            case .failure(.held(let code, let reason)): return .held(code: code, reason: reason)
            case .failure(.awaitingUsers(let reason)): return .awaitingUsers(reason)
            }
        }
        let fields = gongSidecar.merged(over: mapped.fields)
        if let rule = policy.match(numbers: Self.partyValues(fields, "phoneNumber"), emails: Self.partyValues(fields, "emailAddress")) {
            return .excluded(rule: rule.name)
        }
        if let user = fields["primaryUser"]?.stringValue, let known = directory.gongUser(id: user), let refusal = known.importRefusal {
            return .held(code: .userImportDisabled, reason: refusal)
        }
        switch builder.build(fields: fields, file: file) {
        case .failure(let problem):
            return .invalid(problem)
        case .success(let request):
            return .built(
                request,
                provenance: Self.provenance(
                    of: request.body, sidecar: gongSidecar, sidecarPath: inputs.sidecar?.path,
                    mapped: mapped.provenance, defaults: builder.defaults))
        }
    }

    /// The parties' `key` (`phoneNumber`, `emailAddress`) in `fields`.
    static func partyValues(_ fields: JSONValue, _ key: String) -> [String] {
        (fields["parties"]?.arrayValue ?? []).compactMap { $0[key]?.stringValue }
    }

    /// The source of every leaf of `body`.
    static func provenance(of body: JSONValue, sidecar: JSONValue, sidecarPath: String?, mapped: [String: String], defaults: JSONValue) -> [String:
        String]
    {
        let fromSidecar = Set(sidecar.leafPaths())
        let fromDefaults = Set(defaults.leafPaths())
        var out: [String: String] = [:]
        for path in body.leafPaths() {
            if fromSidecar.contains(path) {
                out[path] = "sidecar \(sidecarPath ?? "")"
            } else if let key = mapped.keys.filter({ path == $0 || path.hasPrefix($0 + ".") || path.hasPrefix($0 + "[") }).max(by: {
                $0.count < $1.count
            }) {
                out[path] = mapped[key]
            } else if fromDefaults.contains(path) {
                out[path] = "config defaults"
            } else {
                out[path] = "GongSpool"
            }
        }
        return out
    }
}

extension JSONValue {
    /// Paths of every scalar leaf: `a.b`, `a[0].c`.
    func leafPaths(prefix: String = "") -> [String] {
        switch self {
        case .object(let members):
            return members.flatMap { key, value in value.leafPaths(prefix: prefix.isEmpty ? key : "\(prefix).\(key)") }
        case .array(let items):
            return items.enumerated().flatMap { index, value in value.leafPaths(prefix: "\(prefix)[\(index)]") }
        default:
            return [prefix]
        }
    }
}
