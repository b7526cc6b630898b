import Foundation

/// The state as a database: where it lives, pruning, backups, closing.
public protocol UpkeepStore: Sendable {
    /// Where the state lives, for logs and `status` (a path, or a URL without its password).
    var location: String { get }
    /// The database file when the state is a local file (its disk's free space matters), else `nil`.
    var databaseFile: String? { get }
    /// Removes the history of recordings finished before `cutoff`; with `all`, their rows too —
    /// except rows whose files `stillInSpool` finds. Then gives free space back.
    func prune(finishedBefore cutoff: Date, all: Bool, stillInSpool: @escaping @Sendable (Recording) -> Bool) async throws(StoreError) -> PruneResult
    /// Writes a consistent copy of the state to `path`; refuses to overwrite an existing file.
    func backup(to path: String) async throws(StoreError)
    /// Closes the store; further use throws.
    func close() throws
}

extension UpkeepStore {
    /// ``prune(finishedBefore:all:stillInSpool:)`` for rows whose files are gone.
    public func prune(finishedBefore cutoff: Date, all: Bool) async throws(StoreError) -> PruneResult {
        try await prune(finishedBefore: cutoff, all: all, stillInSpool: { _ in false })
    }
}
