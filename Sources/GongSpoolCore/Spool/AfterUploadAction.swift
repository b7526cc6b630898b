import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A file as it was taken and uploaded. The after-upload step touches the file at that path
/// only while it is still this one.
public struct TakenFile: Sendable, Equatable {
    /// Path relative to the spool.
    public var relativePath: String
    /// Size, mtime (ns) and inode when taken; `nil` is not compared.
    public var size: Int64?, mtimeNs: Int64?, inode: Int64?

    /// A taken file.
    public init(relativePath: String, size: Int64?, mtimeNs: Int64?, inode: Int64?) {
        self.relativePath = relativePath
        self.size = size
        self.mtimeNs = mtimeNs
        self.inode = inode
    }

    func matches(_ info: stat) -> Bool {
        info.st_mode & S_IFMT == S_IFREG
            && (size == nil || size == Int64(info.st_size))
            && (mtimeNs == nil || mtimeNs == info.mtimeNs)
            && (inode == nil || inode == Int64(info.st_ino))
    }
}

/// What the after-upload step did.
public struct AfterUploadReport: Sendable, Equatable {
    /// Files deleted or archived (or found already gone after a crash).
    public var handled: [String] = []
    /// Of those, the files found already gone.
    public var alreadyGone: [String] = []
    /// Files left where they are, with why (replaced since the upload, a link on the path).
    public var leftInPlace: [String] = []

    /// For the recording's reason.
    public func note(_ mode: AfterUpload) -> String? {
        var parts: [String] = []
        if !handled.isEmpty, mode != .keep { parts.append("files: \(mode.rawValue)") }
        if !leftInPlace.isEmpty { parts.append("left in place: " + leftInPlace.joined(separator: "; ")) }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}

/// Performs `spool.afterUpload` for a delivered recording, on the files uploaded and nothing
/// else: each file is reached through directory descriptors opened with `O_NOFOLLOW` (a
/// symlinked directory in the spool cannot redirect it), checked with `fstatat(AT_SYMLINK_NOFOLLOW)`
/// against the size, mtime and inode taken (a file replaced at that path is left for intake),
/// then moved by name into a private directory of the spool (``stagingDirectory``, on the same
/// file system, which nothing else writes) and checked again there: a file renamed over the
/// name between the check and the move is the one moved, is found not to be the one uploaded,
/// and is put back (with `link`, never over a file). Only the staged file is deleted or
/// archived (`link` + `unlink`, never over an existing file). Idempotent: after a crash
/// half-way, running it again completes the job (a staged file is found by its name). Blocking:
/// run via ``BlockingIO``.
public struct AfterUploadAction: Sendable {
    /// The spool settings (mode, directories).
    public let settings: SpoolSettings
    /// Called between the check of a file and its move (tests: a PBX renaming a file over the
    /// name in that window).
    let beforeMove: (@Sendable (String) -> Void)?

    /// Creates the action.
    public init(settings: SpoolSettings) {
        self.init(settings: settings, beforeMove: nil)
    }

    /// Deletes files under `root` the same careful way (the privacy policy's excluded files,
    /// retention, erasures).
    public static func deleting(under root: String) -> AfterUploadAction {
        var settings = SpoolSettings()
        settings.directory = root
        settings.afterUpload = .delete
        return AfterUploadAction(settings: settings)
    }

    init(settings: SpoolSettings, beforeMove: (@Sendable (String) -> Void)?) {
        self.settings = settings
        self.beforeMove = beforeMove
    }

    /// Applies the action to `files` (audio, sidecar). The files of a recording go together: if
    /// one of them is not the file taken any more, all stay where they are (a replaced audio keeps
    /// its sidecar, and intake examines the pair as new).
    public func apply(to files: [TakenFile]) throws(AfterUploadError) -> AfterUploadReport {
        var report = AfterUploadReport()
        guard settings.afterUpload != .keep else { return report }
        var located: [(TakenFile, Located)] = []
        for file in files {
            located.append((file, try locate(file)))
        }
        let left = located.compactMap { file, place -> String? in
            if case .left(let why) = place { return "\(file.relativePath) \(why)" }
            return nil
        }
        if !left.isEmpty {
            report.leftInPlace =
                left
                + located.filter { if case .found = $0.1 { true } else { false } }
                .map { "\($0.0.relativePath) (kept with the rest of the recording)" }
            return report
        }
        for (file, place) in located {
            switch place {
            case .left:
                break
            case .gone:
                try confirmGone(file)
                report.handled.append(file.relativePath)
                report.alreadyGone.append(file.relativePath)
            case .staged(let staging, let name, let info):
                try perform(file, directory: staging, name: name, info: info)
                report.handled.append(file.relativePath)
            case .found(let directory, let name, let info):
                switch try stage(file, from: directory, name) {
                case .moved(let staging, let staged, let moved):
                    do {
                        try perform(file, directory: staging, name: staged, info: moved)
                    } catch {
                        // Failed (the archive is full, or has another file of the name): the
                        // file goes back where the PBX and the operator expect it.
                        _ = putBack(staging, staged, to: directory, name)
                        throw error
                    }
                    report.handled.append(file.relativePath)
                case .sameFileSystemUnavailable:
                    // A mount point inside the spool: acted on by name after the check (the
                    // smaller window is the best this layout allows).
                    try perform(file, directory: directory, name: name, info: info)
                    report.handled.append(file.relativePath)
                case .gone:
                    try confirmGone(file)
                    report.handled.append(file.relativePath)
                    report.alreadyGone.append(file.relativePath)
                case .putBack(let why):
                    // The recording's files go together: the rest stay too.
                    report.leftInPlace.append("\(file.relativePath) \(why)")
                    let rest = located.map(\.0.relativePath).filter { $0 != file.relativePath && !report.handled.contains($0) }
                    report.leftInPlace += rest.map { "\($0) (kept with the rest of the recording)" }
                    return report
                }
            }
        }
        return report
    }

    /// The private directory in the spool's root where checked files are moved before they are
    /// deleted or archived (a dot name: intake never lists it).
    public static let stagingDirectory = ".gongspool-finishing"

    private enum Located {
        case found(DirectoryHandle, String, stat)
        case staged(DirectoryHandle, String, stat)
        case gone
        case left(String)
    }

    /// A staged file's name: from the path it came from, so a run after a crash finds it.
    static func stagedName(_ relativePath: String) -> String {
        let digest = SHA256.hash(data: Array(relativePath.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        let name = relativePath.split(separator: "/").last.map(String.init) ?? "file"
        return digest + "-" + String(name.utf8.count > 200 ? String(decoding: name.utf8.suffix(200), as: UTF8.self) : name)
    }

    private func staging(create: Bool) -> DirectoryHandle? {
        try? DirectoryHandle.open(root: settings.directory, components: [Self.stagingDirectory], create: create)
    }

    private func locate(_ file: TakenFile) throws(AfterUploadError) -> Located {
        let components = file.relativePath.split(separator: "/").map(String.init)
        guard let name = components.last else { throw .failed(path: file.relativePath, operation: "find", message: "empty path") }
        // Moved aside before a crash: finish with it.
        if let staging = staging(create: false), case .success(let info) = staging.status(of: Self.stagedName(file.relativePath)) {
            guard file.matches(info) else {
                return .left("(a file of this name waits in \(Self.stagingDirectory) but is not the one uploaded; left for a person)")
            }
            return .staged(staging, Self.stagedName(file.relativePath), info)
        }
        let directory: DirectoryHandle
        do {
            directory = try DirectoryHandle.open(root: settings.directory, components: Array(components.dropLast()))
        } catch {
            switch error.errno {
            case ENOENT: return .gone
            case ELOOP, ENOTDIR: return .left("(a directory on its path is a symbolic link or not a directory; never followed)")
            default: throw .failed(path: file.relativePath, operation: "find", message: error.description)
            }
        }
        switch directory.status(of: name) {
        case .failure(let error) where error.errno == ENOENT:
            return .gone
        case .failure(let error):
            throw .failed(path: file.relativePath, operation: "find", message: error.description)
        case .success(let info):
            guard file.matches(info) else { return .left("(replaced since it was uploaded; intake examines it as a new file)") }
            return .found(directory, name, info)
        }
    }

    private enum Staging {
        case moved(DirectoryHandle, String, stat)
        case sameFileSystemUnavailable
        case gone
        case putBack(String)
    }

    /// Moves the checked file by name into the staging directory and checks the moved inode;
    /// one that is not the file uploaded (renamed over the name after the check) goes back.
    private func stage(_ file: TakenFile, from directory: DirectoryHandle, _ name: String) throws(AfterUploadError) -> Staging {
        guard let staging = staging(create: true) else { return .sameFileSystemUnavailable }
        let staged = Self.stagedName(file.relativePath)
        beforeMove?(file.relativePath)
        guard renameat(directory.descriptor, name, staging.descriptor, staged) == 0 else {
            switch errno {
            case EXDEV: return .sameFileSystemUnavailable
            case ENOENT: return .gone
            default: throw .failed(path: file.relativePath, operation: "move aside", message: String(cString: strerror(errno)))
            }
        }
        guard case .success(let moved) = staging.status(of: staged) else {
            throw .failed(path: file.relativePath, operation: "move aside", message: "the moved file cannot be looked at")
        }
        if file.matches(moved) { return .moved(staging, staged, moved) }
        // Not the file uploaded: back where it was, never over a file written there since.
        if putBack(staging, staged, to: directory, name) {
            return .putBack("(replaced just before it was moved; put back for intake)")
        }
        return .putBack("(replaced just before it was moved; kept in \(Self.stagingDirectory)/\(staged) because its name is taken again)")
    }

    /// Moves a staged file back to `name`, never over a file there (a hard link, or where the
    /// file system has none, a rename after checking the name is free).
    private func putBack(_ staging: DirectoryHandle, _ staged: String, to directory: DirectoryHandle, _ name: String) -> Bool {
        if linkat(staging.descriptor, staged, directory.descriptor, name, 0) == 0 {
            unlinkat(staging.descriptor, staged, 0)
            return true
        }
        guard errno == EPERM || errno == ENOTSUP, case .failure = directory.status(of: name) else { return false }
        return renameat(staging.descriptor, staged, directory.descriptor, name) == 0
    }

    /// A file already gone is fine for `delete`; for `archive` it must be in the archive (moved before a crash).
    private func confirmGone(_ file: TakenFile) throws(AfterUploadError) {
        guard settings.afterUpload == .archive else { return }
        let archived =
            (try? archiveDirectory(for: file.relativePath, create: false))
            .map { directory, name in (try? directory.status(of: name).get()) != nil } ?? false
        if !archived {
            throw .failed(path: file.relativePath, operation: "archive", message: "file is gone from the spool and not in the archive")
        }
    }

    private func perform(_ file: TakenFile, directory: DirectoryHandle, name: String, info: stat) throws(AfterUploadError) {
        switch settings.afterUpload {
        case .keep:
            return
        case .delete:
            if unlinkat(directory.descriptor, name, 0) != 0 && errno != ENOENT {
                throw .failed(path: file.relativePath, operation: "delete", message: String(cString: strerror(errno)))
            }
        case .archive:
            let (target, targetName) = try archiveDirectory(for: file.relativePath, create: true)
            try archive(file, from: directory, name, info: info, to: target, targetName)
        }
    }

    private func archiveDirectory(for relative: String, create: Bool) throws(AfterUploadError) -> (DirectoryHandle, String) {
        guard let archive = settings.archiveDirectory else { throw .failed(path: relative, operation: "archive", message: "no archiveDirectory") }
        let components = relative.split(separator: "/").map(String.init)
        do {
            return (try DirectoryHandle.open(root: archive, components: Array(components.dropLast()), create: create), components.last ?? relative)
        } catch {
            throw .failed(path: relative, operation: "archive", message: "cannot open the archive directory: \(error.description)")
        }
    }

    /// Hard link into the archive (fails rather than overwrite), then unlink from the spool.
    private func archive(
        _ file: TakenFile, from source: DirectoryHandle, _ name: String, info: stat,
        to target: DirectoryHandle, _ targetName: String
    ) throws(AfterUploadError) {
        if linkat(source.descriptor, name, target.descriptor, targetName, 0) == 0 {
            // The archive's name is on disk before the spool's goes.
            _ = fsync(target.descriptor)
            return try unlinkSource(file, source, name)
        }
        switch errno {
        case EEXIST:
            // Linked before a crash (same inode): finish. Anything else stays where it is.
            if case .success(let existing) = target.status(of: targetName), existing.st_ino == info.st_ino, existing.st_dev == info.st_dev {
                return try unlinkSource(file, source, name)
            }
            if case .success(let existing) = target.status(of: targetName), existing.st_dev != info.st_dev {
                // Another file system: a copy made before a crash, if it has the same bytes.
                try copyIntoArchive(file, from: source, name, info: info, to: target, targetName)
                return try unlinkSource(file, source, name)
            }
            throw .failed(
                path: file.relativePath, operation: "archive", message: "the archive already has a different \(targetName); not overwritten")
        case EXDEV, EPERM, ENOTSUP, EMLINK:
            try copyIntoArchive(file, from: source, name, info: info, to: target, targetName)
            return try unlinkSource(file, source, name)
        default:
            throw .failed(path: file.relativePath, operation: "archive", message: String(cString: strerror(errno)))
        }
    }

    private func unlinkSource(_ file: TakenFile, _ source: DirectoryHandle, _ name: String) throws(AfterUploadError) {
        if unlinkat(source.descriptor, name, 0) != 0 && errno != ENOENT {
            throw .failed(
                path: file.relativePath, operation: "archive",
                message: "archived, but not removed from the spool: \(String(cString: strerror(errno)))")
        }
    }

    /// Another file system (or one without hard links): copy to a temporary name, flush, keep the
    /// mtime, then put it in place without overwriting.
    private func copyIntoArchive(
        _ file: TakenFile, from source: DirectoryHandle, _ name: String, info: stat,
        to target: DirectoryHandle, _ targetName: String
    ) throws(AfterUploadError) {
        func fail(_ what: String) -> AfterUploadError {
            .failed(path: file.relativePath, operation: "archive", message: "copy across file systems: \(what): \(String(cString: strerror(errno)))")
        }
        let input = openat(source.descriptor, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard input >= 0 else { throw fail("open") }
        defer { close(input) }
        if case .success(let existing) = target.status(of: targetName) {
            // Copied before a crash — or another recording's copy of the same name: only the
            // same bytes count (size and mtime can agree by chance, and it would be discarded).
            guard existing.st_size == info.st_size, Self.sameContent(input, target.descriptor, targetName) else {
                throw .failed(
                    path: file.relativePath, operation: "archive", message: "the archive already has a different \(targetName); not overwritten")
            }
            guard fsync(target.descriptor) == 0 else { throw fail("fsync the archive directory") }
            return
        }
        let temporary = "." + targetName + ".gongspool-partial"
        let output = openat(target.descriptor, temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o640)
        guard output >= 0 else { throw fail("create") }
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else {
                close(output)
                throw fail("read")
            }
            if n == 0 { break }
            var written = 0
            while written < n {
                let w = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, n - written) }
                if w < 0 && errno == EINTR { continue }
                guard w > 0 else {
                    close(output)
                    throw fail("write")
                }
                written += w
            }
        }
        var times = [timespec(tv_sec: 0, tv_nsec: (1 << 30) - 2), info.st_mtim]  // UTIME_OMIT: atime untouched
        _ = futimens(output, &times)
        guard fsync(output) == 0 else {
            close(output)
            throw fail("fsync")
        }
        close(output)
        if linkat(target.descriptor, temporary, target.descriptor, targetName, 0) == 0 {
            unlinkat(target.descriptor, temporary, 0)
        } else {
            guard errno == EPERM || errno == ENOTSUP, case .failure = target.status(of: targetName) else { throw fail("put in place") }
            // No hard links on the archive's file system: rename, having just checked nothing is there.
            guard renameat(target.descriptor, temporary, target.descriptor, targetName) == 0 else { throw fail("rename") }
        }
        // The copy's name must be on disk before the source is unlinked: a power cut between
        // the two must not lose both.
        guard fsync(target.descriptor) == 0 else { throw fail("fsync the archive directory") }
    }

    /// Whether the file `name` in `directory` has exactly the bytes of `input` (read from its start).
    static func sameContent(_ input: Int32, _ directory: Int32, _ name: String) -> Bool {
        let other = openat(directory, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard other >= 0 else { return false }
        defer { close(other) }
        var a = [UInt8](repeating: 0, count: 64 * 1024)
        var b = [UInt8](repeating: 0, count: 64 * 1024)
        var offset: off_t = 0
        while true {
            let n = a.withUnsafeMutableBytes { pread(input, $0.baseAddress, $0.count, offset) }
            let m = b.withUnsafeMutableBytes { pread(other, $0.baseAddress, $0.count, offset) }
            guard n >= 0, n == m else { return false }
            if n == 0 { return true }
            guard a[0..<n] == b[0..<n] else { return false }
            offset += off_t(n)
        }
    }
}

/// Why the after-upload action failed (the recording waits and is retried, then held).
public enum AfterUploadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An operation on one file failed.
    case failed(path: String, operation: String, message: String)

    public var description: String {
        switch self {
        case .failed(let path, let operation, let message): "\(operation) \(path): \(message)"
        }
    }
}
