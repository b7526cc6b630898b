import Foundation
import GongSpoolCore

extension SimulatorState {
    /// Gong's data-privacy endpoints (`/v2/data-privacy/…`): `erase-data-for-phone-number` and
    /// `erase-data-for-email-address` delete every call with a party of that number (the same
    /// digits, or a number stored without its country code that holds the last 9 digits, as Gong
    /// matches) or address, and remember what was erased; `data-for-phone-number` and
    /// `data-for-email-address` list the calls that still match, and the erased ones still
    /// being deleted (`PURGE_REQUESTED`, for ``SimulatorOptions/erasureListedFor`` answers). A number must start with `+`
    /// and its country code (400 otherwise; a bare `+` in the query is a space, as a form
    /// decoder reads it: the client must send `%2B`); `dataPrivacyForbidden` answers 403 as a key without
    /// the `api:data-privacy:*` scope does.
    func dataPrivacy(method: String, endpoint: String, query: String?) -> SimulatorResponse {
        let path = "/v2/data-privacy/\(endpoint)"
        let erase = endpoint.hasPrefix("erase-data-for-")
        let kind = endpoint.replacingOccurrences(of: erase ? "erase-data-for-" : "data-for-", with: "")
        if options.dataPrivacyForbidden {
            return record(method, path, failure(403, "Insufficient permissions: api:data-privacy:\(erase ? "delete" : "read")"))
        }
        let parameter = kind == "phone-number" ? "phoneNumber" : kind == "email-address" ? "emailAddress" : nil
        guard let parameter else { return record(method, path, failure(404, "No endpoint \(method) \(path)")) }
        let value = (query ?? "").split(separator: "&").first { $0.hasPrefix(parameter + "=") }
            .map { String($0.dropFirst(parameter.count + 1)).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
        guard let value, !value.isEmpty else { return invalid(method, path, failure(400, "\(parameter) is required")) }
        if parameter == "phoneNumber", !value.hasPrefix("+") || value.filter(\.isNumber).count < 8 {
            return invalid(method, path, failure(400, "phoneNumber must start with + and the country code, found \(value)"))
        }
        if parameter == "emailAddress", !value.contains("@") {
            return invalid(method, path, failure(400, "emailAddress is not an email address: \(value)"))
        }
        func matches(_ call: SimulatedCall) -> Bool {
            Self.parties(of: call).contains { party in
                parameter == "phoneNumber"
                    ? party["phoneNumber"]?.stringValue.map { Self.sameNumber($0, value) } ?? false
                    : party["emailAddress"]?.stringValue?.lowercased() == value.lowercased()
            }
        }
        let matching = calls.values.filter(matches)
        let requestId = newRequestId()
        if erase {
            for call in matching {
                removeCall(call.callId)
                if options.erasureListedFor > 0 { purging.append((call, options.erasureListedFor)) }
            }
            erasedIdentities.append(value)
            return record(method, path, .json(status: 200, body: "{\"requestId\":\"\(requestId)\"}", headers: [("x-traceid", requestId)]))
        }
        var listed: [JSONValue] = matching.sorted { $0.callId < $1.callId }.map {
            .object(["id": .string($0.callId), "status": .string("COMPLETED")])
        }
        for index in purging.indices where matches(purging[index].call) {
            listed.append(.object(["id": .string(purging[index].call.callId), "status": .string("PURGE_REQUESTED")]))
            purging[index].answersLeft -= 1
        }
        purging.removeAll { $0.answersLeft <= 0 }
        var fields: [String: JSONValue] = [
            "requestId": .string(requestId), "calls": .array(listed), "emails": .array([]), "meetings": .array([]), "customerData": .array([]),
        ]
        if parameter == "phoneNumber" {
            fields["suppliedPhoneNumber"] = .string(value)
            fields["matchingPhoneNumbers"] = .array([])
            fields["emailAddresses"] = .array([])
        }
        let body = JSONValue.object(fields).compactString
        return record(method, path, .json(status: 200, body: body, headers: [("x-traceid", requestId)]))
    }

    /// The parties of a call's request body.
    static func parties(of call: SimulatedCall) -> [JSONValue] {
        ((try? JSONValue.parse(Data(call.body.utf8)))?["parties"]?.arrayValue) ?? []
    }

    /// Gong's match: the same digits, or a stored number without its country code that ends with
    /// the last 9 digits of the one asked for.
    static func sameNumber(_ stored: String, _ asked: String) -> Bool {
        let a = stored.filter(\.isNumber)
        let b = asked.filter(\.isNumber)
        guard !a.isEmpty, !b.isEmpty else { return false }
        if a == b { return true }
        return !stored.hasPrefix("+") && b.count >= 9 && a.hasSuffix(String(b.suffix(9)))
    }
}
