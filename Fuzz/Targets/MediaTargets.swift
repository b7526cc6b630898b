import Foundation

@testable import GongSpoolCore

/// Container headers and samples: what a PBX, a transcoder or a broken disk writes.
enum MediaTargets {
    /// The probe over the input as a whole file (its size is the input's).
    static func probe(_ bytes: [UInt8]) {
        check(MediaProbe.probe(header: Array(bytes.prefix(MediaProbe.headerLength)), fileSize: Int64(bytes.count), readAt: reader(bytes)))
    }

    /// The input behind the magic of `kind`, so every input reaches that format's probe.
    static func probe(kind: MediaKind, _ bytes: [UInt8]) {
        let magic: [UInt8] =
            switch kind {
            case .wav: Array("RIFF".utf8)
            case .mp3: Array("ID3".utf8)
            case .mp4: []
            case .mkv: [0x1A, 0x45, 0xDF, 0xA3]
            case .flac: Array("fLaC".utf8)
            }
        var file = bytes
        if kind == .mp4 {
            // An MP4 is recognised by an ftyp box first; the fuzzer writes the boxes after it.
            file = [0, 0, 0, 16] + Array("ftypisom".utf8) + [0, 0, 2, 0] + bytes
        } else if !bytes.starts(with: magic) {
            file = magic + bytes
        }
        probe(file)
    }

    static func reader(_ bytes: [UInt8]) -> (Int64, Int) -> [UInt8] {
        { offset, count in
            guard offset >= 0, offset < Int64(bytes.count), count > 0 else { return [] }
            let start = Int(offset)
            return Array(bytes[start..<min(bytes.count, start + min(count, bytes.count))])
        }
    }

    /// What a verdict may say: durations and channels a request can carry.
    static func check(_ result: ProbeResult) {
        guard case .complete(let info) = result else { return }
        if let seconds = info.durationSeconds, !(seconds >= 0) {
            preconditionFailure("a probe reported a negative or NaN duration: \(seconds)")
        }
        if let channels = info.channels, channels < 0 { preconditionFailure("a probe reported \(channels) channels") }
        _ = ContentChecks(minDurationSeconds: 30, silenceThresholdDb: -50).examine(
            mediaSeconds: info.durationSeconds, statedSeconds: 1e20, statedSource: "fuzz")
    }

    static let encodings: [PCMLayout.Encoding] = [
        .integer(bits: 8), .integer(bits: 16), .integer(bits: 24), .integer(bits: 32), .float32, .muLaw, .aLaw,
    ]

    /// The first bytes choose the coding, channels, data offset and chunk size; the rest are
    /// samples fed in chunks, as the hasher reads them.
    static func level(_ bytes: [UInt8]) {
        guard bytes.count >= 4 else { return }
        let encoding = encodings[Int(bytes[0]) % encodings.count]
        let channels = Int(bytes[1] % 9)
        let offset = Int64(bytes[2] % 16)
        let chunk = 1 + Int(bytes[3]) * 7
        let samples = Array(bytes.dropFirst(4))
        let layout = PCMLayout(
            encoding: encoding, channels: channels, dataOffset: offset, dataSize: Int64(samples.count) - offset + Int64(bytes[3] % 5))
        var meter = LevelMeter(layout: layout)
        var position: Int64 = 0
        for start in stride(from: 0, to: samples.count, by: chunk) {
            let piece = Array(samples[start..<min(samples.count, start + chunk)])
            meter.feed(piece, at: position)
            position += Int64(piece.count)
        }
        let levels = meter.levels
        for db in levels.peakDb where !(db <= 0.0001 && db >= AudioLevels.floorDb) {
            preconditionFailure("a level outside the dBFS scale: \(db)")
        }
        _ = ContentChecks(minDurationSeconds: 30, silenceThresholdDb: -50).examine(levels: levels)
    }
}
