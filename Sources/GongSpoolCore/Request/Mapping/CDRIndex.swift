import Foundation

/// An index of an Asterisk CDR CSV (`Master.csv`): match-column value → where its line is.
/// The file is append-only in practice, so a refresh reads only the bytes added since the last
/// one (a shrunk or replaced file is read again from the start). Rows are read back on lookup,
/// so memory holds offsets, not lines. Blocking: call through ``BlockingIO``.
public struct CDRIndex: Sendable {
    /// Where the CDR file is and how it is laid out.
    public let settings: CDRSettings
    private var inode: UInt64 = 0
    private var indexedBytes: Int64 = 0
    private var lines: [String: Range<Int64>] = [:]
    /// Why the file could not be read at the last refresh, if it could not.
    public private(set) var lastError: String?

    /// An empty index of the file in `settings`.
    public init(settings: CDRSettings) {
        self.settings = settings
    }

    /// Rows indexed so far.
    public var count: Int { lines.count }

    /// Reads what was appended since the last refresh.
    public mutating func refresh() {
        let fd = open(settings.file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            lastError = "cannot open CDR file \(settings.file): \(String(cString: strerror(errno)))"
            return
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return }
        if UInt64(info.st_ino) != inode || Int64(info.st_size) < indexedBytes {
            inode = UInt64(info.st_ino)
            indexedBytes = 0
            lines = [:]
        }
        lastError = nil
        guard let column = settings.columns.all.firstIndex(of: settings.match) else { return }
        let chunkSize = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var pending: [UInt8] = []
        var lineStart = indexedBytes
        var offset = indexedBytes
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, chunkSize, off_t(offset)) }
            guard count > 0 else { break }
            offset += Int64(count)
            for byte in buffer[0..<count] {
                if byte == UInt8(ascii: "\n") {
                    let end = lineStart + Int64(pending.count)
                    let fields = CSVLine.fields(Substring(String(decoding: pending, as: UTF8.self)))
                    if column < fields.count, !fields[column].isEmpty, lines[fields[column]] == nil {
                        lines[fields[column]] = lineStart..<end
                    }
                    pending.removeAll(keepingCapacity: true)
                    lineStart = end + 1
                } else {
                    pending.append(byte)
                }
            }
        }
        // An unterminated last line is still being written: index it next time.
        indexedBytes = lineStart
    }

    /// The row whose match column equals `value`, by column name.
    public func row(_ value: String) -> [String: String]? {
        guard let range = lines[value] else { return nil }
        let fd = open(settings.file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let length = Int(range.upperBound - range.lowerBound)
        var bytes = [UInt8](repeating: 0, count: length)
        let read = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(range.lowerBound)) }
        guard read == length else { return nil }
        let fields = CSVLine.fields(Substring(String(decoding: bytes, as: UTF8.self)))
        var row: [String: String] = [:]
        for (name, field) in zip(settings.columns.all, fields) { row[name] = field }
        return row
    }
}
