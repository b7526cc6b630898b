import Foundation
import TestSupport
import Testing

@testable import GongSpoolCore

/// The level read from the bytes the hasher reads: every WAV coding the meter knows, channels
/// apart, frames split across chunks, bytes outside the `data` chunk ignored.
@Suite struct LevelMeterTests {
    /// Meters `data` (samples only, starting at `offset` in a file) fed in chunks of `chunk` bytes.
    static func levels(
        _ encoding: PCMLayout.Encoding, channels: Int = 1, samples data: [UInt8], offset: Int = 44, chunk: Int = 1 << 20,
        before: [UInt8]? = nil, after: [UInt8] = []
    ) -> [Double] {
        let header = before ?? [UInt8](repeating: 0x7F, count: offset)
        let file = header + data + after
        var meter = LevelMeter(layout: PCMLayout(encoding: encoding, channels: channels, dataOffset: Int64(offset), dataSize: Int64(data.count)))
        var at = 0
        while at < file.count {
            let end = min(file.count, at + chunk)
            meter.feed(Array(file[at..<end]), at: Int64(at))
            at = end
        }
        return meter.levels.peakDb
    }

    static func le16(_ values: [Int16]) -> [UInt8] { values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } } }
    static func le32(_ values: [Int32]) -> [UInt8] { values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } } }
    static func le24(_ values: [Int32]) -> [UInt8] { values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0.prefix(3)) } } }
    static func float(_ values: [Float]) -> [UInt8] { values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } } }

    @Test func halfScaleReadsMinusSixInEveryLinearCoding() {
        #expect(Self.levels(.integer(bits: 8), samples: [128, 150, 192, 100, 128]) == [-6.0])
        #expect(Self.levels(.integer(bits: 16), samples: Self.le16([0, 1000, -16_384, 200])) == [-6.0])
        #expect(Self.levels(.integer(bits: 24), samples: Self.le24([0, 4_194_304, -1000])) == [-6.0])
        #expect(Self.levels(.integer(bits: 32), samples: Self.le32([0, -1_073_741_824, 5])) == [-6.0])
        #expect(Self.levels(.float32, samples: Self.float([0, 0.25, -0.5])) == [-6.0])
    }

    @Test func fullScaleAndTheNegativeExtremesDoNotOverflow() {
        #expect(Self.levels(.integer(bits: 16), samples: Self.le16([Int16.min])) == [0.0])
        #expect(Self.levels(.integer(bits: 8), samples: [0]) == [0.0])
        #expect(Self.levels(.integer(bits: 24), samples: Self.le24([-8_388_608])) == [0.0])
        #expect(Self.levels(.integer(bits: 32), samples: Self.le32([Int32.min])) == [0.0])
        #expect(Self.levels(.float32, samples: Self.float([-3.5])) == [0.0], "over full scale counts as full scale")
        #expect(Self.levels(.float32, samples: Self.float([.nan])) == [0.0])
    }

    @Test func digitalSilenceReadsTheFloor() {
        #expect(Self.levels(.integer(bits: 16), samples: [UInt8](repeating: 0, count: 1600)) == [AudioLevels.floorDb])
        #expect(Self.levels(.integer(bits: 8), samples: [UInt8](repeating: 128, count: 800)) == [AudioLevels.floorDb])
        #expect(Self.levels(.muLaw, samples: [UInt8](repeating: 0xFF, count: 800)) == [AudioLevels.floorDb])
        // A-law has no zero: its smallest step decodes to 8 of 32768.
        #expect(Self.levels(.aLaw, samples: [UInt8](repeating: 0xD5, count: 800)) == [-72.2])
    }

    @Test func g711PeaksDecodeToTheirLinearLevel() {
        // µ-law 0x80 / A-law 0xAA are the largest magnitudes: 32124 and 32256 of 32768.
        #expect(Self.levels(.muLaw, samples: [0xFF, 0x80, 0x7F]) == [-0.2])
        #expect(Self.levels(.aLaw, samples: [0xD5, 0xAA]) == [-0.1])
        // µ-law 0xCE (and 0x4E, its negative): exponent 3, mantissa 1 → ((1 << 3) + 0x84) << 3 − 0x84 = 988 → −30.4 dBFS.
        #expect(Self.levels(.muLaw, samples: [0xFF, 0xCE, 0x4E]) == [-30.4])
    }

    @Test func channelsAreMeasuredApart() {
        let stereo = Self.le16([100, 0, -16_384, 0, 3, 0])
        #expect(Self.levels(.integer(bits: 16), channels: 2, samples: stereo) == [-6.0, AudioLevels.floorDb])
        let three = Self.le16([0, 8192, -32_768, 0, 1, 0])
        #expect(Self.levels(.integer(bits: 16), channels: 3, samples: three) == [AudioLevels.floorDb, -12.0, 0.0])
    }

    @Test func framesSplitAcrossChunksAreCarriedOver() {
        let stereo24 = Self.le24([1, -4_194_304, 2_097_152, 0, 7, 1])
        let whole = Self.levels(.integer(bits: 24), channels: 2, samples: stereo24)
        #expect(whole == [-12.0, -6.0])
        for chunk in [1, 2, 5, 7, 13] {
            #expect(Self.levels(.integer(bits: 24), channels: 2, samples: stereo24, chunk: chunk) == whole, "chunks of \(chunk) bytes")
        }
    }

    @Test func bytesOutsideTheDataChunkAreIgnored() {
        // Loud-looking header bytes and a trailing LIST chunk of 0x7F bytes are not samples.
        let quiet = Self.le16([10, -10, 5])
        let levels = Self.levels(.integer(bits: 16), samples: quiet, after: Array("LIST".utf8) + [UInt8](repeating: 0x7F, count: 64))
        #expect(levels == [Self.levels(.integer(bits: 16), samples: quiet, before: [UInt8](repeating: 0, count: 44))[0]])
        #expect(levels[0] < -60)
        // A data chunk claiming more than the file holds: what is there is measured.
        var meter = LevelMeter(layout: PCMLayout(encoding: .integer(bits: 16), channels: 1, dataOffset: 4, dataSize: 1_000_000))
        meter.feed([0, 0, 0, 0] + Self.le16([8192]), at: 0)
        #expect(meter.levels.peakDb == [-12.0])
    }

    @Test func theStoredTextReadsBack() {
        let levels = AudioLevels(peakDb: [-12.3, AudioLevels.floorDb])
        #expect(levels.text == "-12.3,-120.0")
        #expect(AudioLevels(text: levels.text) == levels)
        #expect(AudioLevels(text: "") == nil)
        #expect(AudioLevels(text: "-1,x") == nil)
        #expect(levels.silentChannels(below: -50) == [1])
    }

    @Test func theHasherMetersInTheSamePassAndHashesTheSameBytes() throws {
        let dir = try TemporaryDirectory("meter")
        defer { dir.remove() }
        let audio = Fixtures.wav(seconds: 3, channels: 2, seed: 4, silent: [0])
        _ = try dir.write("a.wav", audio)
        let file = try SpoolFile(root: dir.path, relativePath: "a.wav")
        let plain = try FileHasher.sha256(of: file)
        guard case .complete(let info) = Self.probe(file) else {
            Issue.record("not complete")
            return
        }
        var meter = info.pcm.map(LevelMeter.init(layout:))
        let metered = try FileHasher.sha256(of: file, metering: &meter)
        #expect(metered == plain)
        #expect(meter?.levels.peakDb == [AudioLevels.floorDb, -12.2])
    }

    @Test func wavCodingsAreReadFromTheFormatChunk() throws {
        let dir = try TemporaryDirectory("meter")
        defer { dir.remove() }
        // µ-law, format tag 7, 8 bits, one channel: an 18-byte fmt chunk and a fact chunk.
        var wav = Data("RIFF".utf8) + u32(4 + 26 + 12 + 8 + 8_000) + Data("WAVEfmt ".utf8) + u32(18)
        wav += u16(7) + u16(1) + u32(8000) + u32(8000) + u16(1) + u16(8) + u16(0)
        wav += Data("fact".utf8) + u32(4) + u32(8000)
        wav += Data("data".utf8) + u32(8000) + Data(repeating: 0xFF, count: 8000)
        _ = try dir.write("u.wav", wav)
        let file = try SpoolFile(root: dir.path, relativePath: "u.wav")
        guard case .complete(let info) = Self.probe(file) else {
            Issue.record("not complete")
            return
        }
        #expect(info.pcm == PCMLayout(encoding: .muLaw, channels: 1, dataOffset: 58, dataSize: 8000))
        #expect(info.durationSeconds == 1)
    }

    static func probe(_ file: SpoolFile) -> ProbeResult {
        let header = (try? file.read(at: 0, count: MediaProbe.headerLength)) ?? []
        return MediaProbe.probe(header: header, fileSize: file.size) { offset, count in (try? file.read(at: offset, count: count)) ?? [] }
    }

    private func u32(_ v: Int) -> Data { withUnsafeBytes(of: UInt32(v).littleEndian) { Data($0) } }
    private func u16(_ v: Int) -> Data { withUnsafeBytes(of: UInt16(v).littleEndian) { Data($0) } }

    /// The vector path (32 bytes a step) against a sample-by-sample reference written here, for
    /// every coding and 1 to 8 channels, on seeded noise fed in uneven chunks.
    @Test func theVectorPathAgreesWithASampleBySampleReference() {
        var rng = SplitMixGenerator(seed: 15)
        let codings: [PCMLayout.Encoding] = [.integer(bits: 8), .integer(bits: 16), .integer(bits: 24), .integer(bits: 32), .float32, .muLaw, .aLaw]
        for encoding in codings {
            for channels in [1, 2, 3, 4, 8] {
                let frames = 1000 + Int(rng.next() % 100)
                var data = [UInt8]()
                for _ in 0..<(frames * channels) {
                    if encoding == .float32 {
                        let value = Float(Int(rng.next() % 2_000_001) - 1_000_000) / 1_000_000 * Float(rng.next() % 4 == 0 ? 1 : 0.01)
                        withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
                    } else {
                        // Quiet most of the time, a loud sample now and then: peaks land on every lane.
                        let loud = rng.next() % 50 == 0
                        for byte in 0..<encoding.bytes {
                            let random = UInt8(truncatingIfNeeded: rng.next())
                            data.append(byte == encoding.bytes - 1 && !loud ? Self.quiet(random, encoding) : random)
                        }
                    }
                }
                let expected = Self.reference(data, encoding, channels)
                for chunk in [7, 32, 100, 4096] {
                    let measured = Self.levels(encoding, channels: channels, samples: data, chunk: chunk)
                    #expect(measured == expected, "\(encoding) × \(channels) channels, chunks of \(chunk)")
                }
            }
        }
    }

    /// Keeps the top byte of a sample near silence for its coding.
    static func quiet(_ byte: UInt8, _ encoding: PCMLayout.Encoding) -> UInt8 {
        switch encoding {
        case .integer(8): 128 &+ (byte & 0x07)
        case .muLaw: 0xF0 | byte  // large low seven bits: small magnitudes
        case .aLaw: (byte & 0x0F) ^ 0x55
        default: byte & 0x80 == 0 ? 0x00 : 0xFF  // small positive or small negative
        }
    }

    /// Per-channel peak in dBFS, one sample at a time, decoded here.
    static func reference(_ data: [UInt8], _ encoding: PCMLayout.Encoding, _ channels: Int) -> [Double] {
        var peaks = [UInt32](repeating: 0, count: channels)
        let size = encoding.bytes
        for index in 0..<(data.count / size) {
            let at = index * size
            let magnitude: UInt32 =
                switch encoding {
                case .integer(8): UInt32(abs(Int(data[at]) - 128))
                case .integer(16): UInt32(abs(Int(Int16(bitPattern: UInt16(data[at]) | UInt16(data[at + 1]) << 8))))
                case .integer(24):
                    UInt32(abs(Int(Int32(bitPattern: UInt32(data[at]) << 8 | UInt32(data[at + 1]) << 16 | UInt32(data[at + 2]) << 24) >> 8)))
                case .integer:
                    UInt32(
                        abs(
                            Int(
                                Int32(
                                    bitPattern: UInt32(data[at]) | UInt32(data[at + 1]) << 8 | UInt32(data[at + 2]) << 16 | UInt32(data[at + 3]) << 24
                                ))))
                case .float32:
                    Float32Sample.scaled(
                        Float(bitPattern: UInt32(data[at]) | UInt32(data[at + 1]) << 8 | UInt32(data[at + 2]) << 16 | UInt32(data[at + 3]) << 24)
                            .magnitude)
                case .muLaw: UInt32(~data[at] & 0x7F)
                case .aLaw: UInt32((data[at] ^ 0x55) & 0x7F)
                }
            peaks[index % channels] = max(peaks[index % channels], magnitude)
        }
        return peaks.map { peak in
            let linear = LevelMeter.linear(peak, encoding)
            return linear > 0 ? max(AudioLevels.floorDb, (20 * log10(linear) * 10).rounded() / 10) : AudioLevels.floorDb
        }
    }
}

/// Seeded noise for the tests (SplitMix64).
struct SplitMixGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
