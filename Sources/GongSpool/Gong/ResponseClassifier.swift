import Foundation

/// The one place where Gong's answers become decisions (reference §6.2, §7, §8).
public enum GongOutcome: Sendable, Equatable {
    /// POST accepted: a new call.
    case created(callId: String)
    /// POST answered "…has already been posted for the call <id>": the call exists.
    case alreadyCreated(callId: String)
    /// PUT accepted.
    case mediaAccepted
    /// PUT answered "…has already been handled" or "…same content has been uploaded in the past…".
    /// `otherCallId` is set when Gong names a different call holding the same bytes.
    case mediaAlreadyThere(otherCallId: String?)
    /// Try again later with backoff (5xx, timeouts, resets, edge errors).
    case retryable(code: String, message: String)
    /// 429: wait `retryAfterSeconds` before any request.
    case rateLimited(retryAfterSeconds: Double)
    /// 401/403: stop all sending until a person acts.
    case credentialsRejected(status: Int, message: String)
    /// 409: the primary user may not import telephony calls.
    case userNotEnabled(message: String)
    /// PUT on a callId Gong does not know: resolve the callId again with the create body.
    case unknownCall(message: String)
    /// Gong will never accept this request as it is.
    case permanent(code: String, message: String)
}

/// Maps a ``GongReply`` to a ``GongOutcome``. Matches message substrings only, never whole messages.
public enum ResponseClassifier {
    /// Classifies `reply` to a request of `kind`.
    public static func classify(_ reply: GongReply, kind: GongEndpointKind) -> GongOutcome {
        switch reply {
        case .transport(let code, let message):
            return .retryable(code: code, message: message)
        case .http(let status, let body, let retryAfter):
            let message = summary(body)
            switch status {
            case 200...299:
                if kind == .uploadMedia { return .mediaAccepted }
                if let id = jsonString(body, key: "callId") { return .created(callId: id) }
                return .retryable(code: "malformed_success", message: "HTTP \(status) without callId: \(message)")
            case 400:
                if kind == .createCall, let id = capture(body, after: "has already been posted for the call") {
                    return .alreadyCreated(callId: id)
                }
                if kind == .uploadMedia, body.contains("has already been handled") {
                    return .mediaAlreadyThere(otherCallId: nil)
                }
                if kind == .uploadMedia, body.contains("same content has been uploaded in the past") {
                    return .mediaAlreadyThere(otherCallId: capture(body, after: "callID with the same content:"))
                }
                return .permanent(code: "http_400", message: message)
            case 401, 403:
                return .credentialsRejected(status: status, message: message)
            case 404 where kind == .uploadMedia:
                return .unknownCall(message: message)
            case 409:
                return .userNotEnabled(message: message)
            case 429:
                return .rateLimited(retryAfterSeconds: retryAfter.flatMap(parseRetryAfter) ?? 10)
            case 408, 500...599:
                return .retryable(code: "http_\(status)", message: message)
            default:
                return .permanent(code: "http_\(status)", message: message)
            }
        }
    }

    /// `Retry-After` as seconds: an integer, or an HTTP date.
    static func parseRetryAfter(_ value: String) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: trimmed).map { max(0, $0.timeIntervalSinceNow) }
    }

    /// Gong's `errors` joined, or the start of the body (HTML from the edge, say).
    static func summary(_ body: String) -> String {
        if let data = body.data(using: .utf8), let value = try? JSONValue.parse(data),
           let errors = value["errors"]?.arrayValue?.compactMap(\.stringValue), !errors.isEmpty {
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

    /// The digits following `marker` (spaces allowed in between).
    static func capture(_ body: String, after marker: String) -> String? {
        guard let range = body.range(of: marker) else { return nil }
        let digits = body[range.upperBound...].drop { $0 == " " }.prefix { $0.isASCII && $0.isNumber }
        return digits.isEmpty ? nil : String(digits)
    }
}
