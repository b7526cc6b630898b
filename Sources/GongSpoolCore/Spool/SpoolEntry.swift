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
        guard let dot = extensionDot else { return "" }
        return String(Substring(relativePath.utf8[relativePath.utf8.index(after: dot)...]))
    }

    /// The path without its extension: the key that pairs audio and sidecar.
    public var stem: String {
        guard let dot = extensionDot else { return relativePath }
        return String(Substring(relativePath.utf8[..<dot]))
    }

    /// The dot before the extension, found in the UTF-8 bytes: this runs for every listed file,
    /// and walking `Character`s (grapheme clusters) cost more than everything else a full
    /// listing does (profiled with callgrind: 56 % of a full rescan's instructions).
    private var extensionDot: String.Index? {
        let bytes = relativePath.utf8
        var index = bytes.endIndex
        while index > bytes.startIndex {
            let before = bytes.index(before: index)
            switch bytes[before] {
            case UInt8(ascii: "/"):
                return nil
            case UInt8(ascii: "."):
                // A leading dot names a hidden file, not an extension.
                return before == bytes.startIndex || bytes[bytes.index(before: before)] == UInt8(ascii: "/") ? nil : before
            default:
                index = before
            }
        }
        return nil
    }
}

/// Something the scanner saw and did not take, with why (logged once as a warning).
public struct SkippedEntry: Sendable, Equatable {
    /// Path relative to the spool root.
    public var relativePath: String
    /// Why it was skipped.
    public var reason: String
}
