import Foundation

/// A system user made for one test — the `gongspool` user of a real install, for the traps
/// that only show when root and the service are different users — removed by ``remove()``.
/// Needs root (the suite runs as root in CI); its commands run through `setpriv`.
public struct ServiceUser: Sendable {
    /// The user's name.
    public let name: String
    /// Its user and group ids.
    public let uid: UInt32, gid: UInt32
    /// A copy of the binary the user may execute, when the build directory is closed to it.
    let copy: TemporaryDirectory?

    /// Whether this process can make users.
    public static var available: Bool {
        geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/useradd")
    }

    /// Makes a new system user with its own group, no home and no login shell.
    public static func create() async throws -> ServiceUser {
        let name = "gst" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try await Self.run("/usr/sbin/useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", name])
        guard let entry = getpwnam(name) else { throw ServiceUserError(message: "useradd made no \(name)") }
        let (uid, gid) = (entry.pointee.pw_uid, entry.pointee.pw_gid)
        // The build directory may lie below a directory only root may enter (/root): a copy then.
        var copy: TemporaryDirectory?
        if !Self.othersMayExecute(Binary.path) {
            let directory = try TemporaryDirectory("gongspool-bin")
            try FileManager.default.copyItem(atPath: Binary.path, toPath: directory.file("gongspool"))
            chmod(directory.path, 0o755)
            copy = directory
        }
        return ServiceUser(name: name, uid: uid, gid: gid, copy: copy)
    }

    /// The binary as this user runs it.
    public var binary: String { copy?.file("gongspool") ?? Binary.path }

    /// `setpriv` arguments that run what follows as this user (no supplementary groups).
    public var asUser: [String] {
        ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--"]
    }

    /// Gives `paths` to this user (what the package's tmpfiles do for `/var/lib/gongspool`).
    public func own(_ paths: String...) throws {
        for path in paths where chown(path, uid, gid) != 0 {
            throw ServiceUserError(message: "chown \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The owner's user id of `path` (links not followed).
    public static func owner(of path: String) -> UInt32? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_uid : nil
    }

    /// Deletes the user (and the binary's copy).
    public func remove() async {
        try? await Self.run("/usr/sbin/userdel", [name])
        copy?.remove()
    }

    /// Whether every directory above `path` may be entered, and `path` run, by other users.
    static func othersMayExecute(_ path: String) -> Bool {
        var current = path
        while !current.isEmpty && current != "/" {
            var info = stat()
            guard stat(current, &info) == 0, info.st_mode & S_IXOTH != 0 else { return false }
            current = (current as NSString).deletingLastPathComponent
        }
        return true
    }

    private static func run(_ tool: String, _ arguments: [String]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        await Binary.waitForExit(process)
        guard process.terminationStatus == 0 else {
            throw ServiceUserError(message: "\(tool) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
    }
}

/// A user could not be made or removed.
public struct ServiceUserError: Error, CustomStringConvertible {
    /// What failed.
    public let message: String
    /// The message.
    public var description: String { message }
}
