import GongSpoolCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Lists the spool with `readdir` + `fstatat(AT_SYMLINK_NOFOLLOW)`: regular files only,
/// symbolic links never followed (neither to files nor to directories), hidden entries
/// (leading dot, as writers use for temporary files) ignored.
///
/// Blocking: call it from a thread that may block (see ``BlockingIO``).
struct SpoolScanner: Sendable {
    /// The spool root (absolute).
    let root: String
    /// Whether sub-directories are walked.
    let recursive: Bool

    /// Walks the spool once, listing every directory.
    func scan() -> ScanResult {
        var result = ScanResult()
        let walk = SpoolWalk(root: root, recursive: recursive)
        var queue = [""]
        while let path = queue.popLast() {
            let listing = walk.list(path, mtimeNs: 0)
            result.entries += listing.entries
            result.skipped += listing.skipped
            queue += listing.subdirectories.reversed()
        }
        return result
    }
}

/// One pass over the spool.
struct ScanResult: Sendable {
    /// Regular files.
    var entries: [SpoolEntry] = []
    /// Things not taken, with reasons.
    var skipped: [SkippedEntry] = []
}
