import Foundation

/// What intake remembers of one spool directory between polls.
public struct DirectoryState: Sendable, Equatable {
    /// Directory mtime (ns): unchanged means no entry was added, removed or renamed.
    public var mtimeNs: Int64
    /// Entries seen at the last listing.
    public var entryCount: Int

    /// A remembered directory.
    public init(mtimeNs: Int64, entryCount: Int) {
        self.mtimeNs = mtimeNs
        self.entryCount = entryCount
    }
}
