import Foundation
import Logging
import ServiceLifecycle

/// Fetches Gong's user list (`GET /v2/users`, every page, through the shared ``RequestGate``)
/// into the state database when it is older than `users.refreshHours`; retries failures with
/// backoff. The cached list is replaced only after every page arrived.
public struct UserListRefresher: Sendable {
    let settings: UserSettings
    let client: GongClient
    let gate: RequestGate
    let store: StateStore
    let clock: any WallClock
    let logger: Logger
    let health: DaemonHealth?

    /// Why a refresh failed.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Gong refused or failed; `retryAfter` when it said.
        case gong(status: Int, message: String)
        /// No usable answer.
        case transport(String)
        /// An answer of the wrong shape.
        case malformed
        /// 403: the access key may not read users (scope `api:users:read` missing).
        case forbidden(String)

        public var description: String {
            switch self {
            case .gong(let status, let message): "GET /v2/users answered \(status): \(message.prefix(200))"
            case .transport(let message): "GET /v2/users failed: \(message.prefix(200))"
            case .malformed: "GET /v2/users answered with an unexpected shape"
            case .forbidden(let message): "GET /v2/users refused (403): the access key lacks the api:users:read scope (\(message.prefix(200)))"
            }
        }
    }

    /// Whether the cached list is due for a refresh.
    public func isDue() async throws -> Bool {
        guard let fetched = try await store.gongUsersFetchedAt() else { return true }
        return clock.now().timeIntervalSince(fetched) >= settings.refreshHours * 3600
    }

    /// Fetches every page and replaces the cache; returns the number of users. A page answered
    /// 429 is asked for again after the pause Gong named; any other failure leaves the cached list
    /// as it was (never a partial list) and is recorded for `status`, `check` and `/healthz`.
    @discardableResult
    public func refresh() async throws -> Int {
        do {
            let users = try await fetchAll()
            try await store.replaceGongUsers(users, fetchedAt: clock.now())
            try await store.setMeta(.userListProblem, nil)
            await health?.setUserListProblem(nil)
            logger.info("Gong user list fetched", metadata: ["users": "\(users.count)"])
            return users.count
        } catch let failure as Failure {
            try? await store.setMeta(.userListProblem, ISOTimestamp.format(clock.now()) + " " + failure.description)
            await health?.setUserListProblem(failure.description)
            throw failure
        }
    }

    /// Every page, in order.
    private func fetchAll() async throws -> [DirectoryUser] {
        var users: [DirectoryUser] = []
        var cursor: String?
        var pages = 0
        while pages < 10_000 {
            try await gate.acquire()
            switch await client.listUsers(cursor: cursor) {
            case .transport(_, let message):
                throw Failure.transport(message)
            case .http(200, let body, _):
                guard let page = UserListPage(json: body) else { throw Failure.malformed }
                users += page.users
                pages += 1
                guard let next = page.cursor else { return users }
                cursor = next
            case .http(429, _, let retryAfter):
                // The same page again, once Gong says so.
                await gate.pause(seconds: retryAfter.flatMap(ResponseClassifier.parseRetryAfter) ?? 60)
            case .http(401, let body, _):
                await gate.halt("Gong rejected the credentials (401) on GET /v2/users")
                throw Failure.gong(status: 401, message: ResponseClassifier.summary(body))
            case .http(403, let body, _):
                throw Failure.forbidden(ResponseClassifier.summary(body))
            case .http(let status, let body, _):
                throw Failure.gong(status: status, message: ResponseClassifier.summary(body))
            }
        }
        throw Failure.malformed
    }
}

/// Keeps Gong's user list fresh while the daemon runs.
struct UserListService: Service, CustomStringConvertible {
    var description: String { "UserListService" }

    let refresher: UserListRefresher

    func run() async throws {
        var delay = 60.0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var wait = min(refresher.settings.refreshHours * 3600, 3600)
            do {
                if try await refresher.isDue() {
                    try await refresher.refresh()
                }
                delay = 60
            } catch is CancellationError {
                return
            } catch {
                refresher.logger.error("Gong user list not refreshed; recordings needing it wait", metadata: ["error": "\(error)", "retryInSeconds": "\(Int(delay))"])
                wait = delay
                delay = min(delay * 2, 3600)
            }
            let pause = wait
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(pause)) }
        }
    }
}
