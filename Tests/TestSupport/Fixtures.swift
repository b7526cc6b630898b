import Foundation
import GongSpool

/// Generated media and sidecars (no binary fixtures in git).
public enum Fixtures {
    /// A PCM WAV file of `seconds` of a tone; `finalized: false` leaves the RIFF and data sizes 0,
    /// as Asterisk does while recording. `seed` varies the content so hashes differ.
    public static func wav(seconds: Double = 1, channels: Int = 1, sampleRate: Int = 8000, seed: Int = 0, finalized: Bool = true) -> Data {
        let frames = Int(Double(sampleRate) * seconds)
        var pcm = Data(capacity: frames * 2 * channels)
        for i in 0..<frames {
            let sample = Int16(truncatingIfNeeded: Int(sin(Double(i + seed * 7) * 0.05) * 8000) + seed)
            for _ in 0..<channels {
                withUnsafeBytes(of: sample.littleEndian) { pcm.append(contentsOf: $0) }
            }
        }
        return wavHeader(dataSize: finalized ? pcm.count : 0, channels: channels, sampleRate: sampleRate) + pcm
    }

    /// A 44-byte canonical WAV header.
    public static func wavHeader(dataSize: Int, channels: Int = 1, sampleRate: Int = 8000) -> Data {
        var d = Data()
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian) { d.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(truncatingIfNeeded: v).littleEndian) { d.append(contentsOf: $0) } }
        d.append(contentsOf: Array("RIFF".utf8)); u32(dataSize == 0 ? 0 : 36 + dataSize)
        d.append(contentsOf: Array("WAVE".utf8)); d.append(contentsOf: Array("fmt ".utf8))
        u32(16); u16(1); u16(channels); u32(sampleRate); u32(sampleRate * channels * 2); u16(channels * 2); u16(16)
        d.append(contentsOf: Array("data".utf8)); u32(dataSize)
        return d
    }

    /// A minimal MP3-looking file (ID3 tag + frames of zeros) of about `bytes` bytes.
    public static func mp3(bytes: Int = 4096, seed: Int = 0) -> Data {
        var d = Data("ID3".utf8) + Data([4, 0, 0, 0, 0, 0, 0])
        let frame = Data([0xFF, 0xFB, 0x90, 0x64]) + Data(repeating: UInt8(truncatingIfNeeded: seed), count: 413)
        while d.count < bytes { d.append(frame) }
        return d
    }

    /// A FLAC stream marker and STREAMINFO followed by filler.
    public static func flac(bytes: Int = 4096, seed: Int = 0) -> Data {
        var d = Data("fLaC".utf8)
        d.append(contentsOf: [0x80, 0, 0, 34])
        var info = [UInt8](repeating: 0, count: 34)
        info[10] = 0x01; info[11] = 0xF4; info[12] = 0x00 // 8000 Hz, 1 channel, 16 bit
        d.append(contentsOf: info)
        d.append(Data(repeating: UInt8(truncatingIfNeeded: seed), count: max(0, bytes - d.count)))
        return d
    }

    /// A complete MP4 (ftyp, mdat, moov boxes).
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

    /// A valid sidecar for `id` with the given user.
    public static func sidecar(id: String, user: String = "234599484848423", start: String = "2026-11-20T10:00:00Z",
                               direction: String = "Inbound", extra: [String: JSONValue] = [:]) -> JSONValue {
        var body: [String: JSONValue] = [
            "clientUniqueId": .string(id),
            "actualStart": .string(start),
            "direction": .string(direction),
            "primaryUser": .string(user),
            "title": .string("Call \(id)"),
            "parties": .array([
                .object(["userId": .string(user), "name": .string("Rep")]),
                .object(["phoneNumber": .string("+14155550123"), "name": .string("Customer")]),
            ]),
        ]
        for (k, v) in extra { body[k] = v }
        return .object(body)
    }

    /// `sidecar(...)` as JSON bytes.
    public static func sidecarData(id: String, user: String = "234599484848423", extra: [String: JSONValue] = [:]) -> Data {
        (try? sidecar(id: id, user: user, extra: extra).canonicalData()) ?? Data()
    }
}
