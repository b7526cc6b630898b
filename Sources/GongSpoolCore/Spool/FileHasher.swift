import Crypto

/// Streaming SHA-256 of a spool file in fixed-size chunks: constant memory for any size.
public enum FileHasher {
    /// Chunk size for reads.
    public static let chunkSize = 1 << 20

    /// The lowercase hex SHA-256 of the first `file.size` bytes of `file`.
    public static func sha256(of file: SpoolFile) throws(SpoolFileError) -> String {
        var none: LevelMeter?
        return try sha256(of: file, metering: &none)
    }

    /// The SHA-256 of `file`, feeding every chunk read to `meter` as well: the level is measured
    /// in the same pass, from the same bytes.
    /// Every chunk is a `progress` step.
    public static func sha256(of file: SpoolFile, metering meter: inout LevelMeter?, progress: WorkProgress? = nil) throws(SpoolFileError) -> String {
        var hasher = SHA256()
        var offset: Int64 = 0
        while offset < file.size {
            let chunk = try file.read(at: offset, count: Int(min(Int64(chunkSize), file.size - offset)))
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
            meter?.feed(chunk, at: offset)
            offset += Int64(chunk.count)
            progress?.tick()
        }
        return hex(hasher.finalize())
    }

    /// Lowercase hex of a digest.
    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
