import Foundation

/// A request that passed validation, ready to be stored and sent.
public struct BuiltRequest: Sendable, Equatable {
    /// The request body.
    public var body: JSONValue
    /// Its `clientUniqueId`.
    public var clientUniqueId: String
    /// The exact bytes to POST (canonical JSON: sorted keys, compact).
    public var canonicalJSON: String
}

/// Why a sidecar could not become a request: the file and every issue, with JSON paths.
public struct RequestProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The sidecar (relative path or name).
    public var file: String
    /// Every issue found.
    public var issues: [ValidationIssue]

    public var description: String {
        "\(file): " + issues.map(\.description).joined(separator: "; ")
    }
}

/// Builds Gong's "Add New Call" request from a sidecar and the configured `defaults`
/// (sidecar wins, objects merge key by key) and validates it with ``NewCallValidator``.
public struct RequestBuilder: Sendable {
    /// Largest sidecar read, in bytes.
    public static let maxSidecarBytes = 8 << 20

    /// Fields merged under every sidecar.
    public let defaults: JSONValue
    private let validator = NewCallValidator()

    /// Creates a builder with `defaults` (a JSON object).
    public init(defaults: JSONValue) {
        self.defaults = defaults
    }

    /// Parses `data` (the sidecar named `file`), merges defaults, validates.
    public func build(sidecar data: Data, file: String) -> Result<BuiltRequest, RequestProblem> {
        guard data.count <= Self.maxSidecarBytes else {
            return .failure(
                RequestProblem(file: file, issues: [ValidationIssue(path: "$", message: "sidecar is larger than \(Self.maxSidecarBytes >> 20) MiB")]))
        }
        let parsed: JSONValue
        do {
            parsed = try JSONValue.parse(data)
        } catch {
            return .failure(RequestProblem(file: file, issues: [ValidationIssue(path: "$", message: error.description)]))
        }
        guard case .object = parsed else {
            return .failure(
                RequestProblem(file: file, issues: [ValidationIssue(path: "$", message: "expected a JSON object, found \(parsed.typeName)")]))
        }
        return build(fields: parsed, file: file)
    }

    /// Merges defaults under already-parsed `fields` and validates.
    public func build(fields: JSONValue, file: String) -> Result<BuiltRequest, RequestProblem> {
        let body = fields.merged(over: defaults)
        let issues = validator.validate(body)
        guard issues.isEmpty, let id = body["clientUniqueId"]?.stringValue else {
            return .failure(RequestProblem(file: file, issues: issues))
        }
        guard let data = try? body.canonicalJSON() else {
            return .failure(RequestProblem(file: file, issues: [ValidationIssue(path: "$", message: "cannot be encoded as JSON")]))
        }
        return .success(BuiltRequest(body: body, clientUniqueId: id, canonicalJSON: data))
    }
}

extension JSONValue {
    /// The canonical encoding as a string.
    func canonicalJSON() throws -> String {
        String(decoding: try canonicalData(), as: UTF8.self)
    }
}

extension BuiltRequest {
    /// The request with no party attributed to a channel in `silent` (the voiceless side of a
    /// stereo file): Gong would otherwise take the silent channel for that person.
    func droppingMediaChannels(_ silent: [Int]) -> BuiltRequest {
        guard !silent.isEmpty, var members = body.objectValue, let parties = members["parties"]?.arrayValue else { return self }
        var changed = false
        members["parties"] = .array(
            parties.map { party in
                guard var fields = party.objectValue, let channel = fields["mediaChannelId"]?.doubleValue,
                    silent.contains(Int(channel))
                else { return party }
                fields["mediaChannelId"] = nil
                changed = true
                return .object(fields)
            })
        guard changed, let text = try? JSONValue.object(members).canonicalJSON() else { return self }
        return BuiltRequest(body: .object(members), clientUniqueId: clientUniqueId, canonicalJSON: text)
    }
}
