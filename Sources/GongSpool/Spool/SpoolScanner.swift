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
public struct SpoolScanner: Sendable {
    /// The spool root (absolute).
    public let root: String
    /// Whether sub-directories are walked.
    public let recursive: Bool

    /// Creates a scanner for `root`.
    public init(root: String, recursive: Bool) {
        self.root = root
        self.recursive = recursive
    }

    /// Walks the spool once.
    public func scan() -> ScanResult {
        var result = ScanResult()
        walk(relative: "", into: &result)
        return result
    }

    private func walk(relative: String, into result: inout ScanResult) {
        let path = relative.isEmpty ? root : root + "/" + relative
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            result.skipped.append(SkippedEntry(relativePath: relative.isEmpty ? "." : relative, reason: "cannot open directory: \(String(cString: strerror(errno)))"))
            return
        }
        guard let dir = fdopendir(fd) else {
            close(fd)
            return
        }
        defer { closedir(dir) }
        var subdirectories: [String] = []
        while let entry = readdir(dir) {
            let raw = withUnsafeBytes(of: entry.pointee.d_name) { buffer in
                Array(buffer.prefix { $0 != 0 })
            }
            if raw.first == UInt8(ascii: ".") { continue }
            guard let name = String(validating: raw, as: UTF8.self) else {
                result.skipped.append(SkippedEntry(relativePath: relative + "/<non-UTF-8 name>", reason: "file name is not UTF-8"))
                continue
            }
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard fstatat(fd, raw.map { CChar(bitPattern: $0) } + [0], &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                let mtime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
                result.entries.append(SpoolEntry(relativePath: childRelative, size: Int64(info.st_size), mtimeNs: mtime, inode: Int64(info.st_ino)))
            case S_IFDIR:
                if recursive {
                    subdirectories.append(childRelative)
                } else if MediaKind(fileExtension: SpoolEntry(relativePath: name, size: 0, mtimeNs: 0, inode: 0).fileExtension) != nil {
                    result.skipped.append(SkippedEntry(relativePath: childRelative, reason: "a directory named like a recording"))
                }
            case S_IFLNK:
                result.skipped.append(SkippedEntry(relativePath: childRelative, reason: "symbolic link: never followed"))
            default:
                result.skipped.append(SkippedEntry(relativePath: childRelative, reason: "not a regular file"))
            }
        }
        for sub in subdirectories {
            walk(relative: sub, into: &result)
        }
    }
}
