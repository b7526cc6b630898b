import Foundation
import GongSpoolCore

#if canImport(Glibc)
    import Glibc
#endif

/// One `gongspool run` per state database: an exclusive `flock` on `<database>.lock`, which
/// holds the owner's PID. Two daemons on one database would each keep their own request gate
/// (twice Gong's rate) and work the same rows; operator commands do not take the lock. The
/// kernel releases it when the process ends, however it ends.
public final class StateLock: Sendable {
    /// The lock file.
    public let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Takes the lock of the state database at `database`, or throws naming the holder.
    public static func acquire(database: String) throws(StateLockError) -> StateLock {
        let path = database + ".lock"
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o640)
        guard fd >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let saved = errno
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            guard saved == EWOULDBLOCK else { throw .cannotOpen(path: path, errno: saved) }
            let text = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
            throw .held(path: path, pid: Int32(text))
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
        StateFiles.handOver(database: database)
        return StateLock(path: path, descriptor: fd)
    }
}

/// Why the state lock was not taken.
public enum StateLockError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Another process holds it (its PID, when it wrote one).
    case held(path: String, pid: Int32?)
    /// The lock file could not be opened or locked.
    case cannotOpen(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .held(let path, let pid):
            "another gongspool (\(pid.map { "PID \($0)" } ?? "PID unknown")) is running on this state database (\(path)); stop it first (systemctl stop gongspool) — operator commands work beside it"
        case .cannotOpen(let path, let e):
            "cannot lock \(path): \(String(cString: strerror(e)))"
        }
    }
}
