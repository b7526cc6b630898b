#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open directory reached from a root without following any symbolic link: every component
/// is opened relative to its parent with `O_NOFOLLOW`, so a directory swapped for a link cannot
/// lead a read, a delete or a move somewhere else. Blocking: use it off the cooperative pool.
public final class DirectoryHandle: @unchecked Sendable {
    // @unchecked: the descriptor is immutable; the *at(2) calls made with it are thread-safe.
    /// The descriptor.
    public let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Opens `components` below `root` (the root itself may be a link: it is the operator's
    /// choice). With `create`, missing directories are made (mode 0750), the root included.
    /// Throws the errno of the failing step: `ELOOP`/`ENOTDIR` when a component is a link or not
    /// a directory.
    public static func open(root: String, components: [String], create: Bool = false) throws(DirectoryError) -> DirectoryHandle {
        var fd = openDirectory(root)
        if fd < 0, errno == ENOENT, create {
            try makeDirectories(root)
            fd = openDirectory(root)
        }
        guard fd >= 0 else { throw DirectoryError(path: root, errno: errno) }
        for component in components {
            guard !component.isEmpty, component != ".", component != ".." else {
                close(fd)
                throw DirectoryError(path: component, errno: EINVAL)
            }
            var next = openat(fd, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if next < 0, errno == ENOENT, create {
                if mkdirat(fd, component, 0o750) != 0 && errno != EEXIST {
                    let saved = errno
                    close(fd)
                    throw DirectoryError(path: component, errno: saved)
                }
                next = openat(fd, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
            let saved = errno
            close(fd)
            guard next >= 0 else { throw DirectoryError(path: component, errno: saved) }
            fd = next
        }
        return DirectoryHandle(descriptor: fd)
    }

    /// `fstatat(name, AT_SYMLINK_NOFOLLOW)`, or the errno.
    public func status(of name: String) -> Result<stat, DirectoryError> {
        var info = stat()
        guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return .failure(DirectoryError(path: name, errno: errno)) }
        return .success(info)
    }
}

private func openDirectory(_ path: String) -> Int32 {
    open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
}

/// `mkdir -p` for an operator-chosen root (links in it are the operator's).
private func makeDirectories(_ path: String) throws(DirectoryError) {
    var prefix = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/") {
        prefix += "/" + component
        if mkdir(prefix, 0o750) != 0 && errno != EEXIST { throw DirectoryError(path: prefix, errno: errno) }
    }
}

/// A directory step that failed, with its errno.
public struct DirectoryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The component or path.
    public var path: String
    /// The errno.
    public var errno: Int32

    public var description: String { "\(path): \(String(cString: strerror(errno)))" }
}

extension stat {
    /// mtime in nanoseconds since the epoch.
    var mtimeNs: Int64 { Int64(st_mtim.tv_sec) * 1_000_000_000 + Int64(st_mtim.tv_nsec) }
}
