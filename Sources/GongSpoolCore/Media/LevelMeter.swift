import Foundation

/// The peak level of every channel, in dBFS (0 is full scale; digital silence is ``floorDb``).
public struct AudioLevels: Sendable, Equatable {
    /// What digital silence (all samples zero) reads as.
    public static let floorDb = -120.0

    /// Peak of each channel, in dBFS, rounded to 0.1 dB.
    public var peakDb: [Double]

    /// Levels as measured.
    public init(peakDb: [Double]) {
        self.peakDb = peakDb
    }

    /// The channels (0 = left) whose peak stays below `threshold` dBFS.
    public func silentChannels(below threshold: Double) -> [Int] {
        peakDb.indices.filter { peakDb[$0] < threshold }
    }

    /// The stored form: `-12.3,-120.0`.
    public var text: String {
        peakDb.map { String(format: "%.1f", $0) }.joined(separator: ",")
    }

    /// Levels read back from ``text``.
    public init?(text: String) {
        let values = text.split(separator: ",").compactMap { Double($0) }
        guard !values.isEmpty, values.count == text.split(separator: ",").count else { return nil }
        peakDb = values
    }
}

/// Measures the peak level of each channel of a WAV file from the bytes the hasher reads anyway
/// (one pass over the file, no second read). Feed it every chunk in file order; bytes outside the
/// `data` chunk are ignored, frames split across chunks are carried over.
public struct LevelMeter: Sendable {
    /// Where the samples are and how they are coded.
    public let layout: PCMLayout
    /// Per channel, the largest magnitude seen, in the coding's own scale (G.711: the
    /// magnitude code, which grows with the level).
    private var peaks: [UInt32]
    private var carry: [UInt8] = []
    private var next: Int64

    /// A meter for samples laid out as `layout`.
    public init(layout: PCMLayout) {
        self.layout = layout
        peaks = Array(repeating: 0, count: max(1, layout.channels))
        next = layout.dataOffset
    }

    /// Takes the `bytes` read at file offset `offset` (chunks must come in file order).
    public mutating func feed(_ bytes: [UInt8], at offset: Int64) {
        let end = layout.dataOffset + layout.dataSize
        let from = max(offset, next)
        let to = min(offset + Int64(bytes.count), end)
        guard from < to else { return }
        next = to
        var slice = bytes[Int(from - offset)..<Int(to - offset)]
        if !carry.isEmpty {
            // Complete the frame split at the last chunk's end, then go on in place (copying
            // only the frame, not the chunk).
            let missing = min(layout.frameBytes - carry.count, slice.count)
            carry.append(contentsOf: slice.prefix(missing))
            slice = slice.dropFirst(missing)
            guard carry.count == layout.frameBytes else { return }
            let frame = carry
            carry = []
            frame.withUnsafeBytes { scan($0) }
        }
        slice.withUnsafeBytes { scan($0) }
    }

    /// The levels of everything fed so far.
    public var levels: AudioLevels {
        AudioLevels(
            peakDb: peaks.map { peak in
                let linear = Self.linear(peak, layout.encoding)
                guard linear > 0 else { return AudioLevels.floorDb }
                return max(AudioLevels.floorDb, (20 * log10(linear) * 10).rounded() / 10)
            })
    }

    /// Scans whole frames of `raw`; keeps a trailing partial frame for the next chunk.
    private mutating func scan(_ raw: UnsafeRawBufferPointer) {
        let frame = layout.frameBytes
        guard frame > 0 else { return }
        let whole = raw.count - raw.count % frame
        if whole < raw.count { carry = Array(raw[whole...]) }
        let samples = UnsafeRawBufferPointer(rebasing: raw[..<whole])
        peaks.withUnsafeMutableBufferPointer { peaks in
            let vectored = Self.scanVectors(samples, encoding: layout.encoding, into: peaks)
            let samples = UnsafeRawBufferPointer(rebasing: samples[vectored...])
            switch layout.encoding {
            case .integer(8): Self.scan(samples, into: peaks, UInt8Sample.self)
            case .integer(16): Self.scan(samples, into: peaks, Int16Sample.self)
            case .integer(24): Self.scan24(samples, into: peaks)
            case .integer: Self.scan(samples, into: peaks, Int32Sample.self)
            case .float32: Self.scan(samples, into: peaks, Float32Sample.self)
            case .muLaw: Self.scan(samples, into: peaks, MuLawSample.self)
            case .aLaw: Self.scan(samples, into: peaks, ALawSample.self)
            }
        }
    }

    /// The hot loop, specialised per coding; mono and stereo without an inner channel loop.
    static func scan<S: SampleMagnitude>(_ raw: UnsafeRawBufferPointer, into peaks: UnsafeMutableBufferPointer<UInt32>, _: S.Type) {
        let channels = peaks.count
        let count = raw.count / S.size
        switch channels {
        case 1:
            var peak = peaks[0]
            for index in 0..<count { peak = max(peak, S.magnitude(raw, index &* S.size)) }
            peaks[0] = peak
        case 2:
            var left = peaks[0]
            var right = peaks[1]
            var index = 0
            while index &+ 1 < count {
                left = max(left, S.magnitude(raw, index &* S.size))
                right = max(right, S.magnitude(raw, (index &+ 1) &* S.size))
                index &+= 2
            }
            peaks[0] = left
            peaks[1] = right
        default:
            for index in 0..<count {
                let channel = index % channels
                peaks[channel] = max(peaks[channel], S.magnitude(raw, index &* S.size))
            }
        }
    }

    /// A peak magnitude as a fraction of full scale.
    static func linear(_ peak: UInt32, _ encoding: PCMLayout.Encoding) -> Double {
        switch encoding {
        case .integer(8): Double(peak) / 128
        case .integer(16): Double(peak) / 32_768
        case .integer(24): Double(peak) / 8_388_608
        case .integer, .float32: Double(peak) / 2_147_483_648
        case .muLaw: Double(MuLawSample.decode(code: peak)) / 32_768
        case .aLaw: Double(ALawSample.decode(code: peak)) / 32_768
        }
    }
}

/// Reads the magnitude of one sample at a byte offset (specialised, so the loop inlines it).
protocol SampleMagnitude {
    static var size: Int { get }
    static func magnitude(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> UInt32
}

enum UInt8Sample: SampleMagnitude {
    static let size = 1
    @inline(__always) static func magnitude(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32((Int32(raw[offset]) - 128).magnitude)
    }
}

enum Int16Sample: SampleMagnitude {
    static let size = 2
    @inline(__always) static func magnitude(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int16.self)).magnitude)
    }
}

enum Int24Sample: SampleMagnitude {
    static let size = 3
    @inline(__always) static func magnitude(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        let value = Int32(raw[offset]) | Int32(raw[offset + 1]) << 8 | Int32(Int8(bitPattern: raw[offset + 2])) << 16
        return value.magnitude
    }
}

enum Int32Sample: SampleMagnitude {
    static let size = 4
    @inline(__always) static func magnitude(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)).magnitude
    }
}

enum Float32Sample: SampleMagnitude {
    static let size = 4
    @inline(__always) static func magnitude(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        return scaled(Float(bitPattern: bits).magnitude)
    }

    /// A magnitude on the 32-bit integer scale; NaN and anything at or over full scale count as full scale.
    @inline(__always) static func scaled(_ magnitude: Float) -> UInt32 {
        guard magnitude < 1 else { return UInt32(Int32.max) + 1 }
        return UInt32(magnitude * 2_147_483_648)
    }
}

/// G.711 µ-law: the low seven bits of the inverted byte are exponent and mantissa, so they grow
/// with the magnitude; only the peak code is decoded.
enum MuLawSample: SampleMagnitude {
    static let size = 1
    @inline(__always) static func magnitude(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(~raw[offset] & 0x7F)
    }

    /// The linear magnitude (16-bit scale) of a magnitude code.
    static func decode(code: UInt32) -> Int {
        let exponent = Int(code >> 4) & 0x07
        let mantissa = Int(code) & 0x0F
        return ((mantissa << 3) + 0x84) << exponent - 0x84
    }
}

/// G.711 A-law: the low seven bits of the byte XOR 0x55 are exponent and mantissa.
enum ALawSample: SampleMagnitude {
    static let size = 1
    @inline(__always) static func magnitude(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32((raw[offset] ^ 0x55) & 0x7F)
    }

    /// The linear magnitude (16-bit scale) of a magnitude code.
    static func decode(code: UInt32) -> Int {
        let exponent = Int(code >> 4) & 0x07
        let mantissa = Int(code) & 0x0F
        return exponent == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1)
    }
}
