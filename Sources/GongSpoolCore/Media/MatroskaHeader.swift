import Foundation

/// What a Matroska (MKV/MKA) file's first elements say: the duration (`Segment/Info`:
/// `Duration` × `TimestampScale`) and the channels of its first audio track
/// (`Segment/Tracks/TrackEntry` with `TrackType` 2, `Audio/Channels`).
enum MatroskaHeader {
    static let segment: UInt32 = 0x1853_8067, info: UInt32 = 0x1549_A966, tracks: UInt32 = 0x1654_AE6B, cluster: UInt32 = 0x1F43_B675
    static let trackEntry: UInt32 = 0xAE, trackType: UInt32 = 0x83, audio: UInt32 = 0xE1, channels: UInt32 = 0x9F
    static let timestampScale: UInt32 = 0x2A_D7B1, duration: UInt32 = 0x4489

    /// Reads the first bytes of a Matroska file.
    static func info(_ h: [UInt8]) -> MediaInfo {
        var result = MediaInfo(kind: .mkv)
        var scale: UInt64 = 1_000_000
        var rawDuration: Double?
        for top in elements(h[...]) where top.id == segment {
            for child in elements(top.body) {
                switch child.id {
                case info:
                    for field in elements(child.body) {
                        if field.id == timestampScale, let value = unsigned(field.body), value > 0 { scale = value }
                        if field.id == duration { rawDuration = float(field.body) }
                    }
                case tracks where result.channels == nil:
                    result.channels = audioChannels(tracks: child.body)
                default:
                    break
                }
            }
        }
        // A float from the file: NaN, infinite or negative says nothing about the length.
        result.durationSeconds = rawDuration.map { $0 * Double(scale) / 1e9 }.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
        return result
    }

    static func audioChannels(tracks: ArraySlice<UInt8>) -> Int? {
        for entry in elements(tracks) where entry.id == trackEntry {
            let fields = elements(entry.body)
            guard fields.contains(where: { $0.id == trackType && unsigned($0.body) == 2 }) else { continue }
            guard let audioBody = fields.first(where: { $0.id == audio })?.body else { return 1 }
            return elements(audioBody).first(where: { $0.id == channels }).flatMap { unsigned($0.body) }.flatMap { Int(exactly: $0) } ?? 1
        }
        return nil
    }

    /// The elements in `bytes`; an element of unknown or too large size extends to the end of
    /// what was read (a Segment being written, or larger than the header), a Cluster ends the walk.
    static func elements(_ bytes: ArraySlice<UInt8>) -> [(id: UInt32, body: ArraySlice<UInt8>)] {
        var out: [(UInt32, ArraySlice<UInt8>)] = []
        var o = bytes.startIndex
        while o < bytes.endIndex, let (id, idLength) = vint(bytes, at: o, keepMarker: true),
            let (size, sizeLength) = vint(bytes, at: o + idLength, keepMarker: false)
        {
            if UInt32(truncatingIfNeeded: id) == cluster { break }
            let start = o + idLength + sizeLength
            let unknown = size == (UInt64(1) << (7 * UInt64(sizeLength))) - 1
            let end = unknown || UInt64(bytes.endIndex - start) < size ? bytes.endIndex : start + Int(size)
            guard start <= end else { break }
            out.append((UInt32(truncatingIfNeeded: id), bytes[start..<end]))
            o = end
        }
        return out
    }

    /// An EBML variable-length integer at `o`: its value and length.
    static func vint(_ b: ArraySlice<UInt8>, at o: Int, keepMarker: Bool) -> (UInt64, Int)? {
        guard o < b.endIndex, b[o] != 0 else { return nil }
        let length = b[o].leadingZeroBitCount + 1
        guard length <= 8, o + length <= b.endIndex else { return nil }
        var value = UInt64(keepMarker ? b[o] : b[o] & (0xFF >> length))
        for i in 1..<length { value = value << 8 | UInt64(b[o + i]) }
        return (value, length)
    }

    static func unsigned(_ b: ArraySlice<UInt8>) -> UInt64? {
        guard (1...8).contains(b.count) else { return nil }
        return b.reduce(0) { $0 << 8 | UInt64($1) }
    }

    static func float(_ b: ArraySlice<UInt8>) -> Double? {
        switch b.count {
        case 4: Double(Float(bitPattern: UInt32(truncatingIfNeeded: unsigned(b) ?? 0)))
        case 8: Double(bitPattern: unsigned(b) ?? 0)
        default: nil
        }
    }
}
