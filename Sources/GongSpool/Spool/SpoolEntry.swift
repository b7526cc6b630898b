/// A regular file found in the spool, as `lstat` saw it.
public struct SpoolEntry: Sendable, Equatable {
    /// Path relative to the spool root, `/`-separated.
    public var relativePath: String
    /// Size in bytes.
    public var size: Int64
    /// Modification time, nanoseconds since the epoch.
    public var mtimeNs: Int64
    /// Inode number.
    public var inode: Int64

    /// The extension after the last dot of the file name, without the dot ("" if none).
    public var fileExtension: String {
        // The last path component, without splitting the path (this runs for every listed file).
        let start = relativePath.lastIndex(of: "/").map { relativePath.index(after: $0) } ?? relativePath.startIndex
        let name = relativePath[start...]
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...])
    }

    /// The path without its extension: the key that pairs audio and sidecar.
    public var stem: String {
        let ext = fileExtension
        return ext.isEmpty ? relativePath : String(relativePath.dropLast(ext.count + 1))
    }
}

/// Something the scanner saw and did not take, with why (logged once as a warning).
public struct SkippedEntry: Sendable, Equatable {
    /// Path relative to the spool root.
    public var relativePath: String
    /// Why it was skipped.
    public var reason: String
}

/// One pass over the spool.
public struct ScanResult: Sendable {
    /// Regular files.
    public var entries: [SpoolEntry] = []
    /// Things not taken, with reasons.
    public var skipped: [SkippedEntry] = []
}
