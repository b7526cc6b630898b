#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open, read-only file inside the spool, reached without following any symbolic link
/// (every path component is opened with `O_NOFOLLOW`), so neither a link nor a directory swapped
/// for a link can lead a read out of the spool.
public final class SpoolFile: @unchecked Sendable {
    // @unchecked: the descriptor is immutable and pread is safe from any thread.
    /// The file descriptor.
    public let descriptor: Int32
    /// Size at open.
    public let size: Int64
    /// mtime at open, nanoseconds.
    public let mtimeNs: Int64
    /// Inode at open.
    public let inode: Int64

    /// Opens `relativePath` under `root`.
    public init(root: String, relativePath: String) throws(SpoolFileError) {
        var dirfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirfd >= 0 else { throw .open(path: relativePath, errno: errno) }
        let components = relativePath.split(separator: "/").map(String.init)
        guard !components.isEmpty, !components.contains(".."), !components.contains(".") else {
            close(dirfd)
            throw .outsideSpool(path: relativePath)
        }
        for component in components.dropLast() {
            let next = openat(dirfd, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let saved = errno
            close(dirfd)
            guard next >= 0 else { throw .open(path: relativePath, errno: saved) }
            dirfd = next
        }
        let fd = openat(dirfd, components[components.count - 1], O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        let saved = errno
        close(dirfd)
        guard fd >= 0 else { throw .open(path: relativePath, errno: saved) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw .notRegular(path: relativePath)
        }
        descriptor = fd
        size = Int64(info.st_size)
        mtimeNs = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        inode = Int64(info.st_ino)
    }

    deinit {
        close(descriptor)
    }

    /// Reads up to `count` bytes at `offset` (short only at end of file).
    public func read(at offset: Int64, count: Int) throws(SpoolFileError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return pread(descriptor, base + filled, count - filled, off_t(offset) + off_t(filled))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .read(errno: errno)
            }
            if n == 0 { break }
            filled += n
        }
        buffer.removeLast(count - filled)
        return buffer
    }

    /// Current size, mtime and inode (to detect a change since open).
    public func currentFingerprint() -> (size: Int64, mtimeNs: Int64, inode: Int64)? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return (Int64(info.st_size), Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec), Int64(info.st_ino))
    }
}

/// Why a spool file could not be read.
public enum SpoolFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// open/openat failed (missing, permission denied, a symbolic link…).
    case open(path: String, errno: Int32)
    /// The path leaves the spool (`..`) or is empty.
    case outsideSpool(path: String)
    /// Not a regular file.
    case notRegular(path: String)
    /// A read failed.
    case read(errno: Int32)

    /// The lifecycle's code for it.
    public var code: ErrorCode {
        switch self {
        case .open(_, let e) where e == ELOOP: .fileSymlink
        case .open(_, let e) where e == EACCES: .filePermission
        case .open: .fileOpen
        case .outsideSpool: .fileOutsideSpool
        case .notRegular: .fileNotRegular
        case .read: .fileRead
        }
    }

    public var description: String {
        switch self {
        case .open(let path, let e) where e == ELOOP: "\(path): is a symbolic link (never followed)"
        case .open(let path, let e): "\(path): cannot open: \(String(cString: strerror(e)))"
        case .outsideSpool(let path): "\(path): outside the spool"
        case .notRegular(let path): "\(path): not a regular file"
        case .read(let e): "read failed: \(String(cString: strerror(e)))"
        }
    }
}
