import Foundation

/// Generated sample recordings (for `gongspool demo`, tests and benchmarks): no binary files in git.
public enum SampleMedia {
    /// A 16-bit PCM WAV of `seconds` of a tone; `finalized: false` leaves the RIFF and data
    /// sizes 0, as Asterisk does while it records. `seed` varies the content.
    public static func wav(seconds: Double = 1, channels: Int = 1, sampleRate: Int = 8000, seed: Int = 0, finalized: Bool = true) -> Data {
        let frames = Int(Double(sampleRate) * seconds)
        var pcm = [UInt8]()
        pcm.reserveCapacity(frames * 2 * channels)
        for i in 0..<frames {
            let sample = UInt16(bitPattern: Int16(truncatingIfNeeded: Int(sin(Double(i + seed * 7) * 0.05) * 8000) + seed))
            for _ in 0..<channels {
                pcm.append(UInt8(sample & 0xFF))
                pcm.append(UInt8(sample >> 8))
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
        u32(16); u16(1); u16(channels); u32(sampleRate); u32(sampleRate * channels * 2); u16(channels * 2); u16(16)
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
