import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Performs `spool.afterUpload` for a delivered recording. Idempotent: after a crash half-way
/// (audio moved, sidecar not yet), running it again completes the job.
public struct AfterUploadAction: Sendable {
    /// The spool settings (mode, directories).
    public let settings: SpoolSettings

    /// Creates the action.
    public init(settings: SpoolSettings) {
        self.settings = settings
    }

    /// Applies the action to `relativePaths` (audio, sidecar). Blocking: run via ``BlockingIO``.
    public func apply(to relativePaths: [String]) throws(AfterUploadError) {
        switch settings.afterUpload {
        case .keep:
            return
        case .delete:
            for path in relativePaths {
                let full = settings.directory + "/" + path
                if unlink(full) != 0 && errno != ENOENT {
                    throw .failed(path: path, operation: "delete", message: String(cString: strerror(errno)))
                }
            }
        case .archive:
            guard let archive = settings.archiveDirectory else { throw .failed(path: "", operation: "archive", message: "no archiveDirectory") }
            for path in relativePaths {
                try move(path, to: archive)
            }
        }
    }

    private func move(_ relative: String, to archive: String) throws(AfterUploadError) {
        let source = settings.directory + "/" + relative
        let target = archive + "/" + relative
        let fm = FileManager.default
        var info = stat()
        guard lstat(source, &info) == 0 else {
            if fm.fileExists(atPath: target) { return } // moved before a crash
            throw .failed(path: relative, operation: "archive", message: "file is gone from the spool and not in the archive")
        }
        do {
            try fm.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw .failed(path: relative, operation: "archive", message: "cannot create directory: \((error as NSError).localizedDescription)")
        }
        if rename(source, target) == 0 { return }
        guard errno == EXDEV else {
            throw .failed(path: relative, operation: "archive", message: String(cString: strerror(errno)))
        }
        // Another file system: copy to a temporary name, flush, rename into place, then unlink.
        let temporary = target + ".gongspool-partial"
        do {
            try? fm.removeItem(atPath: temporary)
            try fm.copyItem(atPath: source, toPath: temporary)
            let fd = open(temporary, O_RDONLY)
            if fd >= 0 { fsync(fd); close(fd) }
            guard rename(temporary, target) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            unlink(source)
        } catch {
            throw .failed(path: relative, operation: "archive", message: "copy across file systems failed: \(error)")
        }
    }
}

/// Why the after-upload action failed (the recording stays `uploaded` and is retried).
public enum AfterUploadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An operation on one file failed.
    case failed(path: String, operation: String, message: String)

    public var description: String {
        switch self {
        case .failed(let path, let operation, let message): "\(operation) \(path): \(message)"
        }
    }
}
