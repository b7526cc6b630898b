import Foundation

/// A list Gong returns in cursor pages.
public enum GongList: String, Sendable, Equatable {
    /// `GET /v2/users` (scope `api:users:read`).
    case users
    /// `GET /v2/calls` (scope `api:calls:read:basic`).
    case calls

    /// The request, for messages.
    public var request: String { "GET /v2/\(rawValue)" }

    /// The scope the access key needs.
    public var scope: String { self == .users ? "api:users:read" : "api:calls:read:basic" }

    /// What a 403 to a request needing `scope` most likely means.
    public static func forbiddenCauses(_ scope: String) -> String {
        "with an access key, most likely an IP allow-list in Gong's API settings that does not include this server's address, "
            + "or an API not enabled for the company; with an OAuth token, the \(scope) scope"
    }
}

/// Why a Gong list could not be read.
public enum GongListFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Gong refused or failed.
    case gong(GongList, status: Int, message: String)
    /// No usable answer.
    case transport(GongList, String)
    /// An answer of the wrong shape (or more pages than any list has).
    case malformed(GongList)
    /// 403: an IP allow-list, an API not enabled, or (OAuth) a missing scope.
    case forbidden(GongList, String)

    public var description: String {
        switch self {
        case .gong(let list, let status, let message): "\(list.request) answered \(status): \(message.prefix(200))"
        case .transport(let list, let message): "\(list.request) failed: \(message.prefix(200))"
        case .malformed(let list): "\(list.request) answered with an unexpected shape"
        case .forbidden(let list, let message): "\(list.request) refused (403) — \(GongList.forbiddenCauses(list.scope)) (\(message.prefix(200)))"
        }
    }
}

/// Reads every page of a Gong list through the shared ``RequestGate``: a 429 asks for the same
/// page again once Gong's pause is over, a 401 halts all sending, any other failure ends the
/// read. Nothing is returned but the whole list: a caller never acts on part of one.
package struct GongListReader: Sendable {
    let list: GongList
    let gate: RequestGate

    /// A value with every field given.
    package init(list: GongList, gate: RequestGate) {
        self.list = list
        self.gate = gate
    }

    /// How a read ended.
    package enum Read<Item: Sendable>: Sendable {
        /// Every page arrived.
        case complete([Item], requests: Int)
        /// The request cap (or, with `stopAtBudget`, the day's budget) came first.
        case cut(requests: Int)
    }

    /// Whether a 404's `body` is Gong's JSON error answer (`{"requestId": …, "errors": […]}`).
    static func isGongsEmptyAnswer(_ body: String) -> Bool {
        guard let value = try? JSONValue.parse(Data(body.utf8)), value["requestId"]?.stringValue != nil,
            let errors = value["errors"]?.arrayValue, !errors.isEmpty
        else { return false }
        return errors.allSatisfy { $0.stringValue != nil }
    }

    /// Pages from the first to the last. `fetch` asks for the page after a cursor, `parse` reads
    /// one (`nil`: not the expected shape); a 404 is an empty list when `notFoundIsEmpty`
    /// (Gong's "no calls in this period").
    package func readAll<Item: Sendable>(
        maxRequests: Int, stopAtBudget: Bool, notFoundIsEmpty: Bool,
        fetch: (String?) async -> GongReply,
        parse: (String) -> (items: [Item], cursor: String?)?
    ) async throws -> Read<Item> {
        var items: [Item] = []
        var cursor: String?
        var requests = 0
        while true {
            guard requests < maxRequests else { return .cut(requests: requests) }
            if stopAtBudget, await gate.budgetExhausted { return .cut(requests: requests) }
            let day = try await gate.acquire()
            requests += 1
            let reply = await fetch(cursor)
            await gate.settle(reply, countedOn: day)
            switch reply {
            case .transport(_, let message):
                throw GongListFailure.transport(list, message)
            case .http(200, let body, _):
                guard let page = parse(body) else { throw GongListFailure.malformed(list) }
                items += page.items
                guard let next = page.cursor else { return .complete(items, requests: requests) }
                cursor = next
            case .http(404, let body, _) where notFoundIsEmpty && cursor == nil && Self.isGongsEmptyAnswer(body):
                // Gong's own "no calls in this period", and only for the first page: a 404 from
                // an edge (HTML), or on a later page, says nothing about the calls.
                return .complete(items, requests: requests)
            case .http(404, let body, _) where notFoundIsEmpty:
                throw GongListFailure.gong(
                    list, status: 404,
                    message: (cursor == nil ? "not Gong's JSON answer: " : "on a later page: ")
                        + ResponseClassifier.summary(body))
            case .http(429, _, let retryAfter):
                let wait = RetryAfter.read(retryAfter, now: await gate.now, fallback: 60)
                await gate.pause(seconds: wait.seconds, note: wait.note)
            case .http(401, let body, _):
                await gate.halt("Gong rejected the credentials (401) on \(list.request)")
                throw GongListFailure.gong(list, status: 401, message: ResponseClassifier.summary(body))
            case .http(403, let body, _):
                throw GongListFailure.forbidden(list, ResponseClassifier.summary(body))
            case .http(let status, let body, _):
                throw GongListFailure.gong(list, status: status, message: ResponseClassifier.summary(body))
            }
        }
    }
}
