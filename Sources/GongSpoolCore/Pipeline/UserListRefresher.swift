import Foundation
import Logging

/// Fetches Gong's user list (`GET /v2/users`, every page, through the shared ``RequestGate``)
/// into the state database when it is older than `users.refreshHours`; retries failures with
/// backoff. The cached list is replaced only after every page arrived.
public struct UserListRefresher: Sendable {
    package let settings: UserSettings
    let client: any GongAPI
    let gate: RequestGate
    let store: any UserCacheStore & MetaStore
    let clock: any WallClock
    package let logger: Logger
    let health: DaemonHealth?

    /// A value with every field given.
    public init(
        settings: UserSettings, client: any GongAPI, gate: RequestGate, store: any UserCacheStore & MetaStore, clock: any WallClock, logger: Logger,
        health: DaemonHealth? = nil
    ) {
        self.settings = settings
        self.client = client
        self.gate = gate
        self.store = store
        self.clock = clock
        self.logger = logger
        self.health = health
    }

    /// Why a refresh failed.
    public typealias Failure = GongListFailure

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

    /// Every page, in order (at most 10,000: no company has a million users).
    private func fetchAll() async throws -> [DirectoryUser] {
        let reader = GongListReader(list: .users, gate: gate)
        let read = try await reader.readAll(maxRequests: 10_000, stopAtBudget: false, notFoundIsEmpty: false) { cursor in
            await client.listUsers(cursor: cursor)
        } parse: { body in
            UserListPage(json: body).map { ($0.users, $0.cursor) }
        }
        guard case .complete(let users, _) = read else { throw Failure.malformed(.users) }
        return users
    }
}
