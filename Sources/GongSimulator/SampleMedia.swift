import Foundation

/// Generated sample recordings (for `gongspool demo`, tests and benchmarks): no binary files in git.
public enum SampleMedia {
    /// A 16-bit PCM WAV of `seconds` of a tone; `finalized: false` leaves the RIFF and data
    /// sizes 0, as Asterisk does while it records. `seed` varies the content. The channels in
    /// `silent` (0 = left) carry digital silence; `amplitude` is the tone's peak (8000 ≈ −12 dBFS).
    public static func wav(
        seconds: Double = 1, channels: Int = 1, sampleRate: Int = 8000, seed: Int = 0, finalized: Bool = true,
        silent: Set<Int> = [], amplitude: Double = 8000
    ) -> Data {
        let frames = Int(Double(sampleRate) * seconds)
        var pcm = [UInt8]()
        pcm.reserveCapacity(frames * 2 * channels)
        for i in 0..<frames {
            let tone = Int(sin(Double(i + seed * 7) * 0.05) * amplitude) + (amplitude > 0 ? seed : 0)
            let sample = UInt16(bitPattern: Int16(truncatingIfNeeded: tone))
            for channel in 0..<channels {
                let value = silent.contains(channel) ? 0 : sample
                pcm.append(UInt8(value & 0xFF))
                pcm.append(UInt8(value >> 8))
            }
        }
        return wavHeader(dataSize: finalized ? pcm.count : 0, channels: channels, sampleRate: sampleRate) + Data(pcm)
    }

    /// A 44-byte canonical WAV header (`dataSize` 0 leaves both sizes 0).
    public static func wavHeader(dataSize: Int, channels: Int = 1, sampleRate: Int = 8000) -> Data {
        var d = Data()
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian) { d.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(truncatingIfNeeded: v).littleEndian) { d.append(contentsOf: $0) } }
        d.append(contentsOf: Array("RIFF".utf8))
        u32(dataSize == 0 ? 0 : 36 + dataSize)
        d.append(contentsOf: Array("WAVEfmt ".utf8))
        u32(16)
        u16(1)
        u16(channels)
        u32(sampleRate)
        u32(sampleRate * channels * 2)
        u16(channels * 2)
        u16(16)
        d.append(contentsOf: Array("data".utf8))
        u32(dataSize)
        return d
    }

    /// An MP3-shaped file (ID3 tag and frame headers) of about `bytes` bytes.
    public static func mp3(bytes: Int = 4096, seed: Int = 0) -> Data {
        var d = Data("ID3".utf8) + Data([4, 0, 0, 0, 0, 0, 0])
        var frame = Data([0xFF, 0xFB, 0x90, 0x64])
        frame.append(Data(repeating: UInt8(truncatingIfNeeded: seed), count: 413))
        while d.count < bytes { d.append(frame) }
        return d
    }

    /// A constant-rate MP3 stream (MPEG-1 layer III, 128 kbit/s, 44.1 kHz) of `seconds`, mono or
    /// stereo; with `xing`, a first frame carrying an Info header with the frame count.
    public static func mp3(seconds: Double, channels: Int, xing: Bool = false, seed: Int = 0) -> Data {
        let frames = Int((seconds * 44_100 / 1152).rounded())
        var header = Data([0xFF, 0xFB, 0x90, channels == 1 ? 0xC4 : 0x04])
        header.append(Data(repeating: UInt8(truncatingIfNeeded: seed), count: 413))
        var d = Data("ID3".utf8) + Data([4, 0, 0, 0, 0, 0, 0])
        if xing {
            var info = header
            let at = 4 + (channels == 1 ? 17 : 32)
            info.replaceSubrange(at..<at + 12, with: Data("Info".utf8) + Data([0, 0, 0, 1]) + bigEndian(UInt32(frames)))
            d.append(info)
        }
        for _ in 0..<frames { d.append(header) }
        return d
    }

    /// A complete MP4 whose `moov` names the duration (`mvhd`) and one sound track of `channels`.
    public static func mp4(seconds: Double, channels: Int, seed: Int = 0) -> Data {
        func box(_ type: String, _ body: Data) -> Data { bigEndian(UInt32(8 + body.count)) + Data(type.utf8) + body }
        let mvhd = box("mvhd", Data(count: 4) + Data(count: 8) + bigEndian(UInt32(1000)) + bigEndian(UInt32(seconds * 1000)) + Data(count: 80))
        let hdlr = box("hdlr", Data(count: 8) + Data("soun".utf8) + Data(count: 13))
        let entry = box("mp4a", Data(count: 6) + Data([0, 1]) + Data(count: 8) + Data([0, UInt8(channels)]) + Data([0, 16]) + Data(count: 8))
        let stsd = box("stsd", Data(count: 4) + bigEndian(UInt32(1)) + entry)
        let trak = box("trak", box("mdia", hdlr + box("minf", box("stbl", stsd))))
        let ftyp = box("ftyp", Data("M4A \0\0\0\0M4A mp42isom".utf8))
        let mdat = box("mdat", Data(repeating: UInt8(truncatingIfNeeded: seed), count: 4096))
        return ftyp + mdat + box("moov", mvhd + trak)
    }

    /// A Matroska audio file whose `Info` names the duration and whose one audio track has `channels`.
    public static func mkv(seconds: Double, channels: Int, seed: Int = 0) -> Data {
        func element(_ id: [UInt8], _ body: Data) -> Data { Data(id) + Data([0x01]) + bigEndian(UInt64(body.count)).suffix(7) + body }
        let ebml = element([0x1A, 0x45, 0xDF, 0xA3], element([0x42, 0x82], Data("matroska".utf8)))
        let info = element(
            [0x15, 0x49, 0xA9, 0x66],
            element([0x2A, 0xD7, 0xB1], bigEndian(UInt32(1_000_000))) + element([0x44, 0x89], bigEndian((seconds * 1000).bitPattern)))
        let audio = element([0xE1], element([0x9F], Data([UInt8(channels)])) + element([0xB5], bigEndian(Float(8000).bitPattern)))
        let track = element([0xAE], element([0xD7], Data([1])) + element([0x83], Data([2])) + audio)
        let tracks = element([0x16, 0x54, 0xAE, 0x6B], track)
        let cluster = element([0x1F, 0x43, 0xB6, 0x75], Data(repeating: UInt8(truncatingIfNeeded: seed), count: 4096))
        return ebml + element([0x18, 0x53, 0x80, 0x67], info + tracks + cluster)
    }

    private static func bigEndian<T: FixedWidthInteger>(_ value: T) -> Data {
        withUnsafeBytes(of: value.bigEndian) { Data($0) }
    }

    /// A FLAC stream marker and STREAMINFO (8 kHz mono) followed by filler.
    public static func flac(bytes: Int = 4096, seed: Int = 0) -> Data {
        var d = Data("fLaC".utf8)
        d.append(contentsOf: [0x80, 0, 0, 34])
        var info = [UInt8](repeating: 0, count: 34)
        info[10] = 0x01
        info[11] = 0xF4
        info[12] = 0x00
        d.append(contentsOf: info)
        d.append(Data(repeating: UInt8(truncatingIfNeeded: seed), count: max(0, bytes - d.count)))
        return d
    }

    /// A complete MP4 (ftyp, mdat, moov).
    public static func mp4(bytes: Int = 4096, seed: Int = 0) -> Data {
        func box(_ type: String, _ body: Data) -> Data {
            var d = Data()
            withUnsafeBytes(of: UInt32(8 + body.count).bigEndian) { d.append(contentsOf: $0) }
            return d + Data(type.utf8) + body
        }
        let ftyp = box("ftyp", Data("isom\0\0\u{2}\0isomiso2mp41".utf8))
        let moov = box("moov", Data(repeating: 1, count: 64))
        let mdat = box("mdat", Data(repeating: UInt8(truncatingIfNeeded: seed), count: max(16, bytes - ftyp.count - moov.count - 8)))
        return ftyp + mdat + moov
    }
}
