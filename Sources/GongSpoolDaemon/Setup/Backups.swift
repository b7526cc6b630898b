import Foundation
import GongSpoolCore

#if canImport(Glibc)
    import Glibc
#endif

/// Where `gongspool backup` writes and which copies it keeps: a fixed file (refused when one is
/// there, unless it may be overwritten), or — into a directory, or with `--keep` — a dated file
/// (`gongspool-state-20261207-031500.sqlite`) of which the newest `keep` stay, so that a nightly
/// timer can write into the same place every night.
public enum Backups {
    /// Why a backup cannot be written there, naming the path.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        /// The folder to write in does not exist, or is not a folder.
        case noFolder(String)
        /// The folder cannot be written by this user.
        case notWritable(String)
        /// A file is there and may not be overwritten.
        case exists(String)

        public var description: String {
            switch self {
            case .noFolder(let path): "cannot write the backup in \(path): no such folder (create it, or name another)"
            case .notWritable(let path): "cannot write the backup in \(path): not writable by this user"
            case .exists(let path): "\(path) is already there; not overwritten (--overwrite replaces it, or --keep N keeps dated copies in a folder)"
            }
        }
    }

    /// The prefix and suffix of a dated copy's name.
    static let prefix = "gongspool-state-"
    static let suffix = ".sqlite"

    /// The file to write for `path` at `now`: into a folder (an existing one, or any with
    /// `dated`) a dated copy, else `path` itself; checked before anything is written.
    public static func target(for path: String, dated: Bool, overwrite: Bool, now: Date) throws(Problem) -> String {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        let folder = (exists && isFolder.boolValue) || dated ? path : (path as NSString).deletingLastPathComponent
        var folderIsFolder: ObjCBool = false
        let shown = folder.isEmpty ? "." : folder
        guard FileManager.default.fileExists(atPath: shown, isDirectory: &folderIsFolder), folderIsFolder.boolValue else {
            throw .noFolder(shown)
        }
        guard access(shown, W_OK | X_OK) == 0 else { throw .notWritable(shown) }
        guard folder == path else {
            if exists && !overwrite { throw .exists(path) }
            return path
        }
        return (folder as NSString).appendingPathComponent(prefix + stamp(now) + suffix)
    }

    /// Deletes the dated copies in `folder` beyond the newest `keep`; returns those deleted.
    @discardableResult
    public static func rotate(in folder: String, keep: Int) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let dated = names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) }.sorted(by: >)
        return dated.dropFirst(max(1, keep)).compactMap { name in
            let path = (folder as NSString).appendingPathComponent(name)
            return (try? FileManager.default.removeItem(atPath: path)) == nil ? nil : path
        }
    }

    /// `20261207-031500` (UTC): sorts as it happened.
    static func stamp(_ date: Date) -> String {
        let iso = ISOTimestamp.format(date)  // 2026-12-07T03:15:00Z
        let digits = iso.prefix(19).filter(\.isNumber)
        return String(digits.prefix(8)) + "-" + String(digits.dropFirst(8).prefix(6))
    }
}
