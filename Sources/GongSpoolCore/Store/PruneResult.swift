/// What `gongspool prune` removed.
public struct PruneResult: Sendable, Equatable {
    /// Transitions (history lines) deleted.
    public var transitions = 0
    /// Recording rows deleted (`--all` only).
    public var recordings = 0
    /// Rows `--all` kept because their files are still in the spool (their ids still guard them).
    public var keptInSpool = 0
    /// Database pages given back to the file system.
    public var pagesFreed = 0

    /// Nothing removed yet.
    public init() {}
}
