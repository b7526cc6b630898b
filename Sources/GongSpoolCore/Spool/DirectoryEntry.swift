import Glibc

/// The name and type of one record `readdir` returned, read in place through its pointer.
///
/// The record is only as long as its name (`d_reclen`), not as long as the 256-byte `d_name`
/// array of the C declaration, so `entry.pointee` — or `withUnsafeBytes(of: entry.pointee.d_name)`
/// — copies bytes past its end: past the end of libc's directory buffer, a fault whenever that
/// buffer ends at an unmapped page (seen on a first start over 365 × 1,000 files). Only the
/// fields are read here, and the name only up to its NUL.
struct DirectoryEntry {
    /// The name's bytes (no NUL).
    let name: [UInt8]
    /// `d_type`: `DT_DIR`, `DT_REG`, … or `DT_UNKNOWN` where the file system does not tell.
    let type: UInt8

    private static let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) ?? 19
    private static let typeOffset = MemoryLayout<dirent>.offset(of: \dirent.d_type) ?? 18

    /// Reads the record `entry` points to.
    init(_ entry: UnsafeMutablePointer<dirent>) {
        let record = UnsafeRawPointer(entry)
        let start = record + Self.nameOffset
        let length = strlen(start.assumingMemoryBound(to: CChar.self))
        name = Array(UnsafeRawBufferPointer(start: start, count: length))
        type = record.load(fromByteOffset: Self.typeOffset, as: UInt8.self)
    }

    /// Whether this is `.` or `..`.
    var isDotOrDotDot: Bool {
        name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")]
    }
}
