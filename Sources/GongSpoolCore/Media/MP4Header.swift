/// What an MP4's `moov` box says: the duration (`mvhd`) and the channels of its first sound
/// track (`trak/mdia/hdlr` = `soun`, `minf/stbl/stsd`, the sample entry's channel count).
enum MP4Header {
    /// Reads the content of a `moov` box (without its 8-byte header).
    static func info(moov: [UInt8]) -> MediaInfo {
        var info = MediaInfo(kind: .mp4)
        for (type, body) in boxes(moov[...]) {
            switch type {
            case "mvhd": info.durationSeconds = duration(mvhd: body)
            case "trak" where info.channels == nil: info.channels = soundChannels(trak: body)
            default: break
            }
        }
        return info
    }

    /// The boxes in `bytes`, stopping at the first that does not fit.
    static func boxes(_ bytes: ArraySlice<UInt8>) -> [(String, ArraySlice<UInt8>)] {
        var out: [(String, ArraySlice<UInt8>)] = []
        var o = bytes.startIndex
        while o + 8 <= bytes.endIndex {
            let size = Int(be32(bytes, o))
            guard size >= 8, o + size <= bytes.endIndex else { break }
            out.append((String(decoding: bytes[o + 4..<o + 8], as: UTF8.self), bytes[o + 8..<o + size]))
            o += size
        }
        return out
    }

    static func duration(mvhd b: ArraySlice<UInt8>) -> Double? {
        let s = b.startIndex
        guard b.count >= 20 else { return nil }
        let (scale, length): (UInt64, UInt64) =
            b[s] == 1
            ? (b.count >= 32 ? (be32(b, s + 20), be32(b, s + 24) << 32 | be32(b, s + 28)) : (0, 0))
            : (be32(b, s + 12), be32(b, s + 16))
        guard scale > 0, length > 0, length != 0xFFFF_FFFF else { return nil }
        return Double(length) / Double(scale)
    }

    static func soundChannels(trak: ArraySlice<UInt8>) -> Int? {
        guard let mdia = boxes(trak).first(where: { $0.0 == "mdia" })?.1 else { return nil }
        let children = boxes(mdia)
        guard let hdlr = children.first(where: { $0.0 == "hdlr" })?.1, hdlr.count >= 12,
            String(decoding: hdlr[hdlr.startIndex + 8..<hdlr.startIndex + 12], as: UTF8.self) == "soun",
            let minf = children.first(where: { $0.0 == "minf" })?.1,
            let stbl = boxes(minf).first(where: { $0.0 == "stbl" })?.1,
            let stsd = boxes(stbl).first(where: { $0.0 == "stsd" })?.1, stsd.count >= 8
        else { return nil }
        // version/flags, entry count, then the first sample entry: its channel count follows
        // 6 reserved bytes, the data reference index and 8 bytes of version, revision and vendor.
        guard let entry = boxes(stsd.dropFirst(8)).first?.1, entry.count >= 18 else { return nil }
        let channels = Int(entry[entry.startIndex + 16]) << 8 | Int(entry[entry.startIndex + 17])
        return channels > 0 ? channels : nil
    }

    static func be32(_ b: ArraySlice<UInt8>, _ o: Int) -> UInt64 {
        UInt64(b[o]) << 24 | UInt64(b[o + 1]) << 16 | UInt64(b[o + 2]) << 8 | UInt64(b[o + 3])
    }
}
