#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One directory as listed now.
public struct DirectoryListing: Sendable {
    /// Path relative to the spool root (`""` for the root).
    public var path: String
    /// Its state now.
    public var state: DirectoryState
    /// Regular files in it.
    public var entries: [SpoolEntry]
    /// Sub-directories (relative paths), when the walk is recursive.
    public var subdirectories: [String]
    /// Things not taken, with reasons.
    public var skipped: [SkippedEntry]
    /// The directory exists but could not be listed (permissions, I/O): what it holds is unknown,
    /// not gone.
    public var unreadable = false
}

/// The result of walking part of the spool.
public struct WalkStep: Sendable {
    /// Directories that were (re-)listed: new, changed, recently modified, or a full rescan.
    public var listings: [DirectoryListing] = []
    /// Directories whose mtime did not change (not listed).
    public var unchanged: [String] = []
    /// Directories that are gone.
    public var gone: [String] = []
    /// Directories still to visit (the step stopped at its entry budget).
    public var remaining: [String] = []
}

/// Walks the spool re-listing only directories whose mtime changed since the last poll (a new
/// or removed entry changes its directory's mtime; a file growing in place does not, so intake
/// re-stats the files it is still waiting for). Blocking: run through ``BlockingIO``.
public struct SpoolWalk: Sendable {
    /// The spool root (absolute).
    public let root: String
    /// Whether sub-directories are walked.
    public let recursive: Bool
    /// Directories modified this recently are listed even when their mtime looks unchanged
    /// (file systems with coarse timestamps: an entry added in the same second).
    public static let recentSeconds: Int64 = 2

    /// A walk over `root`.
    public init(root: String, recursive: Bool) {
        self.root = root
        self.recursive = recursive
    }

    /// Visits `queue` depth-first, listing what changed, until `entryBudget` entries were listed.
    public func step(
        queue: [String], known: [String: DirectoryState], children: [String: [String]], full: Bool,
        nowNs: Int64, entryBudget: Int
    ) -> WalkStep {
        var step = WalkStep()
        var queue = queue
        var listed = 0
        while let path = queue.popLast() {
            if listed >= entryBudget {
                step.remaining = queue + [path]
                return step
            }
            let absolute = path.isEmpty ? root : root + "/" + path
            var info = stat()
            // The root is the operator's choice and may be a symlink; nothing below it is followed.
            let found = path.isEmpty ? stat(absolute, &info) : lstat(absolute, &info)
            if found != 0 && errno != ENOENT && errno != ENOTDIR {
                // Cannot look (permissions, I/O): unknown, not gone.
                var listing = DirectoryListing(
                    path: path, state: DirectoryState(mtimeNs: 0, entryCount: 0), entries: [], subdirectories: [],
                    skipped: [
                        SkippedEntry(relativePath: path.isEmpty ? "." : path, reason: "cannot look at directory: \(String(cString: strerror(errno)))")
                    ])
                listing.unreadable = true
                step.listings.append(listing)
                continue
            }
            guard found == 0, info.st_mode & S_IFMT == S_IFDIR else {
                step.gone.append(path)
                continue
            }
            let mtime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            if !full, let previous = known[path], previous.mtimeNs == mtime, mtime < nowNs - Self.recentSeconds * 1_000_000_000 {
                step.unchanged.append(path)
                queue += children[path] ?? []
                continue
            }
            let listing = list(path, mtimeNs: mtime)
            listed += listing.entries.count + 1
            queue += listing.subdirectories
            step.listings.append(listing)
        }
        return step
    }

    /// Lists one directory: regular files, sub-directories, and what is skipped (symlinks never followed).
    public func list(_ relative: String, mtimeNs: Int64) -> DirectoryListing {
        var listing = DirectoryListing(
            path: relative, state: DirectoryState(mtimeNs: mtimeNs, entryCount: 0), entries: [], subdirectories: [], skipped: [])
        let path = relative.isEmpty ? root : root + "/" + relative
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (relative.isEmpty ? 0 : O_NOFOLLOW))
        guard fd >= 0 else {
            listing.skipped.append(
                SkippedEntry(relativePath: relative.isEmpty ? "." : relative, reason: "cannot open directory: \(String(cString: strerror(errno)))"))
            listing.unreadable = true
            return listing
        }
        guard let dir = fdopendir(fd) else {
            close(fd)
            listing.unreadable = true
            return listing
        }
        defer { closedir(dir) }
        var count = 0
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                // NULL with errno set: the listing broke off (I/O error); what is missing is unknown.
                if errno != 0 { listing.unreadable = true }
                break
            }
            let record = DirectoryEntry(entry)
            if record.isDotOrDotDot { continue }
            let raw = record.name
            count += 1
            if raw.first == UInt8(ascii: ".") { continue }
            guard let name = String(validating: raw, as: UTF8.self) else {
                listing.skipped.append(SkippedEntry(relativePath: relative + "/<non-UTF-8 name>", reason: "file name is not UTF-8"))
                continue
            }
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard fstatat(fd, raw.map { CChar(bitPattern: $0) } + [0], &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                if errno != ENOENT { listing.unreadable = true }  // removed meanwhile is fine; anything else is unknown
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                listing.entries.append(SpoolEntry(info: info, relativePath: childRelative))
            case S_IFDIR:
                if recursive {
                    listing.subdirectories.append(childRelative)
                } else if MediaKind(fileExtension: SpoolEntry(relativePath: name, size: 0, mtimeNs: 0, inode: 0).fileExtension) != nil {
                    listing.skipped.append(SkippedEntry(relativePath: childRelative, reason: "a directory named like a recording"))
                }
            case S_IFLNK:
                listing.skipped.append(SkippedEntry(relativePath: childRelative, reason: "symbolic link: never followed"))
            default:
                listing.skipped.append(SkippedEntry(relativePath: childRelative, reason: "not a regular file"))
            }
        }
        listing.state.entryCount = count
        return listing
    }

    /// How many audio files the spool holds (a full walk, in bounded steps; nothing is kept).
    public func countRecordings() -> Int {
        var queue = [""]
        var count = 0
        repeat {
            let step = step(queue: queue, known: [:], children: [:], full: true, nowNs: 0, entryBudget: 20_000)
            queue = step.remaining
            for listing in step.listings {
                count += listing.entries.count { MediaKind(fileExtension: $0.fileExtension) != nil }
            }
        } while !queue.isEmpty
        return count
    }

    /// The file at `relative` as `lstat` sees it now.
    public func restat(_ relative: String) -> Restat {
        var info = stat()
        guard lstat(root + "/" + relative, &info) == 0 else { return errno == ENOENT || errno == ENOTDIR ? .gone : .unknown }
        return info.st_mode & S_IFMT == S_IFREG ? .found(SpoolEntry(info: info, relativePath: relative)) : .gone
    }
}

/// A file looked at again.
public enum Restat: Sendable {
    /// There, a regular file.
    case found(SpoolEntry)
    /// Gone (or no longer a regular file).
    case gone
    /// Cannot tell (permissions, I/O): nothing is concluded.
    case unknown
}

extension SpoolEntry {
    init(info: stat, relativePath: String) {
        let mtime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        self.init(relativePath: relativePath, size: Int64(info.st_size), mtimeNs: mtime, inode: Int64(info.st_ino))
    }
}
