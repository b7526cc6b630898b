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

    /// Why a refresh failed.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Gong refused or failed; `retryAfter` when it said.
        case gong(status: Int, message: String)
        /// No usable answer.
        case transport(String)
        /// An answer of the wrong shape.
        case malformed

        public var description: String {
            switch self {
            case .gong(let status, let message): "GET /v2/users answered \(status): \(message.prefix(200))"
            case .transport(let message): "GET /v2/users failed: \(message.prefix(200))"
            case .malformed: "GET /v2/users answered with an unexpected shape"
            }
        }
    }

    /// Whether the cached list is due for a refresh.
    public func isDue() async throws -> Bool {
        guard let fetched = try await store.gongUsersFetchedAt() else { return true }
        return clock.now().timeIntervalSince(fetched) >= settings.refreshHours * 3600
    }

    /// Fetches every page and replaces the cache; returns the number of users.
    @discardableResult
    public func refresh() async throws -> Int {
        var users: [DirectoryUser] = []
        var cursor: String?
        var pages = 0
        repeat {
            try await gate.acquire()
            let reply = await client.listUsers(cursor: cursor)
            switch reply {
            case .transport(_, let message):
                throw Failure.transport(message)
            case .http(let status, let body, let retryAfter):
                switch status {
                case 200:
                    guard let page = UserListPage(json: body) else { throw Failure.malformed }
                    users += page.users
                    cursor = page.cursor
                    pages += 1
                case 429:
                    await gate.pause(seconds: retryAfter.flatMap(Double.init) ?? 60)
                    continue
                case 401:
                    await gate.halt("Gong rejected the credentials (401) on GET /v2/users")
                    throw Failure.gong(status: status, message: body)
                default:
                    throw Failure.gong(status: status, message: body)
                }
            }
        } while cursor != nil && pages < 10_000
        try await store.replaceGongUsers(users, fetchedAt: clock.now())
        logger.info("Gong user list fetched", metadata: ["users": "\(users.count)", "pages": "\(pages)"])
        return users.count
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
