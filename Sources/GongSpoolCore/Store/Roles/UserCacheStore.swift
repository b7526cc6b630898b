import Foundation

/// Gong's user list as last fetched (`users.fromGong`).
public protocol UserCacheStore: Sendable {
    /// Replaces the cached Gong user list in one transaction and stamps the time.
    func replaceGongUsers(_ users: [DirectoryUser], fetchedAt: Date) async throws(StoreError)
    /// The cached Gong user list.
    func gongUsers() async throws(StoreError) -> [DirectoryUser]
}
