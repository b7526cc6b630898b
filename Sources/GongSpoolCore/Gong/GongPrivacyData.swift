import Foundation

/// What Gong answered when asked what it holds of a number or an address
/// (`GET /v2/data-privacy/data-for-…`): the calls it lists — a call it is deleting has the status
/// `PURGE_REQUESTED`, a deleted one is not listed — and how many other references (email
/// messages, meetings, CRM data) it has, which come from other systems than GongSpool.
public enum GongPrivacyData: Sendable, Equatable, CustomStringConvertible {
    /// Gong's list.
    case listed(calls: Int, beingDeleted: Int, otherReferences: Int, requestId: String?)
    /// Gong refused to answer: a 403 (the key lacks `api:data-privacy:read`), a 400…
    case refused(status: Int, message: String)
    /// No answer that settles it after the retries, an answer that is not Gong's list, or no
    /// budget left today.
    case failed(String)

    /// Reads Gong's answer (a JSON object; an absent list is an empty one).
    public init(body: String) {
        guard let answer = try? JSONValue.parse(Data(body.utf8)), case .object(let fields) = answer else {
            self = .failed("the answer is not Gong's list of references (\(ResponseClassifier.summary(body)))")
            return
        }
        let calls = fields["calls"]?.arrayValue ?? []
        let purging = calls.filter { $0["status"]?.stringValue?.uppercased() == "PURGE_REQUESTED" }.count
        let others = ["emails", "meetings", "customerData", "customerEngagement"].reduce(0) { $0 + (fields[$1]?.arrayValue?.count ?? 0) }
        self = .listed(calls: calls.count, beingDeleted: purging, otherReferences: others, requestId: fields["requestId"]?.stringValue)
    }

    /// Gong lists no call with the subject: its erasure of the calls is complete.
    public var noCalls: Bool {
        if case .listed(0, _, _, _) = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .listed(let calls, let purging, let others, _):
            let callText =
                calls == 0
                ? "no call listed: the erasure of the calls is complete"
                : "\(calls) call\(calls == 1 ? "" : "s") still listed, \(purging) being deleted (PURGE_REQUESTED)"
                    + (purging < calls ? "; the others are not (yet) being deleted: ask again later, erase again if they stay" : "; ask again later")
            let otherText = others == 0 ? "" : "; \(others) other reference\(others == 1 ? "" : "s") (email, meetings, CRM data: not from GongSpool)"
            return callText + otherText
        case .refused(let status, let message): return "refused (\(status)): \(message)"
        case .failed(let message): return "could not be asked: \(message)"
        }
    }
}
