import Foundation

/// Maps a ``GongReply`` to a ``GongOutcome``. Matches message substrings only, never whole messages.
public enum ResponseClassifier {
    /// Classifies `reply` to a request of `kind`, answered at `now` (for a `Retry-After` date).
    public static func classify(_ reply: GongReply, kind: GongEndpointKind, now: Date) -> GongOutcome {
        switch reply {
        case .transport(let code, let message):
            return .retryable(code: code, message: message)
        case .http(let status, let body, let retryAfter):
            let message = summary(body)
            switch status {
            case 200...299:
                if kind == .uploadMedia { return .mediaAccepted }
                if let id = jsonString(body, key: "callId") { return .created(callId: id) }
                return .retryable(code: .malformedSuccess, message: "HTTP \(status) without callId: \(message)")
            case 400:
                let text = errorText(body)
                if kind == .createCall, let id = digits(in: text, after: "has already been posted for the call") {
                    return .alreadyCreated(callId: id)
                }
                if kind == .uploadMedia, contains(text, "same content has been uploaded in the past") {
                    return .mediaAlreadyThere(otherCallId: digits(in: text, after: "callid with the same content"))
                }
                if kind == .uploadMedia, contains(text, "has already been handled") {
                    return .mediaAlreadyThere(otherCallId: nil)
                }
                return .permanent(code: .http(400), message: message)
            case 401, 403:
                return .credentialsRejected(status: status, message: message)
            case 415 where kind == .uploadMedia:
                return .mediaTypeRefused(message: message, repeated: false)
            case 300...399, 405, 415,
                404 where kind == .createCall:
                return .misconfigured(status: status, message: message)
            case 404 where kind == .uploadMedia:
                return .unknownCall(message: message)
            case 409 where kind == .createCall:
                return .userNotEnabled(message: message)
            case 409:
                return .permanent(
                    code: .http(409),
                    message: "conflict on \(kind == .uploadMedia ? "the media upload" : "the request") (409, not documented for it): \(message)")
            case 429:
                let wait = RetryAfter.read(retryAfter, now: now, fallback: 10)
                return .rateLimited(retryAfterSeconds: wait.seconds, note: wait.note)
            case 408, 500...599:
                return .retryable(code: .http(status), message: message)
            default:
                return .permanent(code: .http(status), message: message)
            }
        }
    }

    /// Gong's `requestId` (and, for a media upload, the call's `url`) in an answer's body.
    public static func references(_ reply: GongReply) -> (requestId: String?, url: String?) {
        guard case .http(_, let body, _) = reply else { return (nil, nil) }
        return (jsonString(body, key: "requestId"), jsonString(body, key: "url"))
    }

    /// Gong's `errors` (decoded) joined, or the whole body when it has none.
    static func errorText(_ body: String) -> String {
        if let data = body.data(using: .utf8), let value = try? JSONValue.parse(data),
            let errors = value["errors"]?.arrayValue?.compactMap(\.stringValue), !errors.isEmpty
        {
            return errors.joined(separator: " ")
        }
        return body
    }

    /// Gong's `errors` joined, or the start of the body (HTML from the edge, say).
    package static func summary(_ body: String) -> String {
        if let data = body.data(using: .utf8), let value = try? JSONValue.parse(data),
            let errors = value["errors"]?.arrayValue?.compactMap(\.stringValue), !errors.isEmpty
        {
            return errors.joined(separator: "; ")
        }
        let flat = body.replacingOccurrences(of: "\n", with: " ")
        return flat.count > 300 ? String(flat.prefix(300)) + "…" : flat
    }

    static func jsonString(_ body: String, key: String) -> String? {
        guard let data = body.data(using: .utf8), let value = try? JSONValue.parse(data) else { return nil }
        switch value[key] {
        case .string(let s)?: return s
        case .integer(let i)?: return String(i)
        default: return nil
        }
    }

    /// Whether `body` contains `phrase`, ignoring case and runs of white space.
    static func contains(_ body: String, _ phrase: String) -> Bool {
        normalized(body).contains(normalized(phrase))
    }

    /// The number following `phrase` in `body` (case and white space ignored; a `:`, `#`, `=`,
    /// quote or space may stand between), e.g. "…posted for the call: 123" → "123".
    static func digits(in body: String, after phrase: String) -> String? {
        let text = normalized(body)
        guard let range = text.range(of: normalized(phrase)) else { return nil }
        let rest = text[range.upperBound...].drop { " :#=\"'".contains($0) }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        return digits.isEmpty ? nil : String(digits)
    }

    /// Lower case, every run of white space one space.
    static func normalized(_ text: String) -> String {
        text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
