import Foundation
import GongSpoolCore

#if canImport(Glibc)
    import Glibc
#endif

/// The files of a SQLite state — the database, its WAL and shared-memory files, the daemon's
/// lock — and the user they belong to: the owner of their directory, the user the service runs
/// as (`/var/lib/gongspool`, made by the package for `gongspool`). An operator command run as
/// root must not leave behind a file the service cannot write (the daemon would then stop at
/// every start with "attempt to write a readonly database"), so root hands what it created to
/// the directory's owner, and `check` names any file the service could not write.
public enum StateFiles {
    /// The files of the state at `database`, whether they exist or not.
    public static func paths(of database: String) -> [String] {
        [database, database + "-wal", database + "-shm", database + ".lock"]
    }

    /// Who a file or directory belongs to.
    public struct Owner: Sendable, Equatable {
        /// User id.
        public var uid: uid_t
        /// Group id.
        public var gid: gid_t

        /// An owner.
        public init(uid: uid_t, gid: gid_t) {
            self.uid = uid
            self.gid = gid
        }

        /// The user running this process.
        public static var current: Owner { Owner(uid: geteuid(), gid: getegid()) }

        /// The user's name, else the number.
        public var name: String {
            guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
            return String(cString: name)
        }
    }

    /// The owner of `path`, if it exists (links not followed).
    public static func owner(of path: String) -> Owner? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return Owner(uid: info.st_uid, gid: info.st_gid)
    }

    /// The user the service writes the state at `database` as: the owner of its directory.
    public static func serviceOwner(of database: String) -> Owner? {
        let directory = (database as NSString).deletingLastPathComponent
        return owner(of: directory.isEmpty ? "." : directory)
    }

    /// As root: gives every file of the state at `database` that root owns to the owner of its
    /// directory, when that is another user. Returns the files handed over.
    @discardableResult
    public static func handOver(database: String) -> [String] {
        guard geteuid() == 0, let service = serviceOwner(of: database), service.uid != 0 else { return [] }
        return paths(of: database).filter { path in
            guard let file = owner(of: path), file.uid == 0 else { return false }
            return lchown(path, service.uid, service.gid) == 0
        }
    }

    /// The files of the state at `database` that exist and that `user` could not write.
    public static func notWritable(database: String, by user: Owner) -> [String] {
        paths(of: database).filter { allows(user, writing: true, $0) == false }
    }

    /// Whether `user` may read (or, `writing`, write) the file at `path` by its owner and mode
    /// bits (root may do anything); `nil` when there is no such file.
    public static func allows(_ user: Owner, writing: Bool, _ path: String) -> Bool? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        guard user.uid != 0 else { return true }
        let bits: (owner: mode_t, group: mode_t, other: mode_t) = writing ? (S_IWUSR, S_IWGRP, S_IWOTH) : (S_IRUSR, S_IRGRP, S_IROTH)
        if info.st_uid == user.uid { return info.st_mode & bits.owner != 0 }
        if info.st_gid == user.gid { return info.st_mode & bits.group != 0 }
        return info.st_mode & bits.other != 0
    }
}
