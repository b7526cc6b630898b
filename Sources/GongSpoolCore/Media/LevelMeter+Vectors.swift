/// The bulk of the level measurement, 32 bytes at a time: per-lane minimum and maximum of the
/// raw samples (no per-sample magnitude, no per-sample channel index), folded into channels at
/// the end of each chunk. Lane `i` holds channel `i % channels`, which holds because every chunk
/// starts on a frame and the frame divides the vector. Measured in `Benchmarks/pipeline.sh level`.
extension LevelMeter {
    /// Bytes per vector step.
    static let vectorBytes = 32

    /// Scans as many whole vectors of `raw` as the coding and channel count allow into `peaks`;
    /// returns the bytes consumed (a multiple of the frame), 0 when this coding has no vector path.
    static func scanVectors(_ raw: UnsafeRawBufferPointer, encoding: PCMLayout.Encoding, into peaks: UnsafeMutableBufferPointer<UInt32>) -> Int {
        #if _endian(little)
            let channels = peaks.count
            let vectors = raw.count / vectorBytes
            guard vectors > 0 else { return 0 }
            switch encoding {
            case .integer(16) where 16 % channels == 0:
                let (low, high) = extremes(raw, vectors, SIMD16<Int16>.self)
                for lane in 0..<16 {
                    let magnitude = max(UInt32(low[lane].magnitude), UInt32(high[lane].magnitude))
                    peaks[lane % channels] = max(peaks[lane % channels], magnitude)
                }
            case .integer(32) where 8 % channels == 0:
                let (low, high) = extremes(raw, vectors, SIMD8<Int32>.self)
                for lane in 0..<8 {
                    let magnitude = max(low[lane].magnitude, high[lane].magnitude)
                    peaks[lane % channels] = max(peaks[lane % channels], magnitude)
                }
            case .integer(8) where 32 % channels == 0:
                let bytes = byteExtremes(raw, vectors)
                for byte in 0..<32 {
                    let magnitude = UInt32(max(Int32(bytes.high(byte)) - 128, 128 - Int32(bytes.low(byte))))
                    peaks[byte % channels] = max(peaks[byte % channels], magnitude)
                }
            case .muLaw where 32 % channels == 0:
                // The magnitude code is the low seven bits of the inverted byte: the peak is the
                // smallest low seven bits.
                let bytes = byteExtremes(raw, vectors, mask: 0x7F)
                for byte in 0..<32 { peaks[byte % channels] = max(peaks[byte % channels], UInt32(0x7F - bytes.low(byte))) }
            case .aLaw where 32 % channels == 0:
                let bytes = byteExtremes(raw, vectors, flip: 0x55, mask: 0x7F)
                for byte in 0..<32 { peaks[byte % channels] = max(peaks[byte % channels], UInt32(bytes.high(byte))) }
            case .float32 where 8 % channels == 0:
                // |x| as bits: for non-negative IEEE floats the bit patterns order like the values
                // (NaN above infinity, which counts as full scale anyway).
                let (_, high) = extremes(raw, vectors, SIMD8<UInt32>.self, mask: 0x7FFF_FFFF)
                for lane in 0..<8 {
                    let magnitude = Float32Sample.scaled(Float(bitPattern: high[lane]))
                    peaks[lane % channels] = max(peaks[lane % channels], magnitude)
                }
            default:
                return 0
            }
            return vectors * vectorBytes
        #else
            return 0
        #endif
    }

    // One function per vector type: the concrete SIMD operators compile to vector instructions,
    // a generic version over `SIMD` did not for byte lanes (25× slower, measured).

    @inline(__always)
    private static func extremes(_ raw: UnsafeRawBufferPointer, _ vectors: Int, _: SIMD16<Int16>.Type) -> (SIMD16<Int16>, SIMD16<Int16>) {
        var low = SIMD16<Int16>(repeating: .max)
        var high = SIMD16<Int16>(repeating: .min)
        for index in 0..<vectors {
            let value = raw.loadUnaligned(fromByteOffset: index &* vectorBytes, as: SIMD16<Int16>.self)
            low = low.replacing(with: value, where: value .< low)
            high = high.replacing(with: value, where: value .> high)
        }
        return (low, high)
    }

    @inline(__always)
    private static func extremes(_ raw: UnsafeRawBufferPointer, _ vectors: Int, _: SIMD8<Int32>.Type) -> (SIMD8<Int32>, SIMD8<Int32>) {
        var low = SIMD8<Int32>(repeating: .max)
        var high = SIMD8<Int32>(repeating: .min)
        for index in 0..<vectors {
            let value = raw.loadUnaligned(fromByteOffset: index &* vectorBytes, as: SIMD8<Int32>.self)
            low = low.replacing(with: value, where: value .< low)
            high = high.replacing(with: value, where: value .> high)
        }
        return (low, high)
    }

    /// The extremes of each of the 32 byte positions of a vector.
    struct ByteExtremes {
        /// Even bytes in the low half of each 16-bit lane, odd bytes in the high half, kept apart.
        var lowEven: SIMD16<UInt16>, lowOdd: SIMD16<UInt16>, highEven: SIMD16<UInt16>, highOdd: SIMD16<UInt16>

        func low(_ byte: Int) -> UInt16 { byte % 2 == 0 ? lowEven[byte / 2] : lowOdd[byte / 2] }
        func high(_ byte: Int) -> UInt16 { byte % 2 == 0 ? highEven[byte / 2] : highOdd[byte / 2] }
    }

    /// Per-position extremes of the bytes, each first XORed with `flip` and masked with `mask`.
    /// Byte lanes (`SIMD32<UInt8>`) compile to per-lane code in Swift 6.3 (45 MB/s, measured), so
    /// the bytes are taken as 16-bit lanes and split into even and odd bytes.
    @inline(__always)
    private static func byteExtremes(_ raw: UnsafeRawBufferPointer, _ vectors: Int, flip: UInt8 = 0, mask: UInt8 = 0xFF) -> ByteExtremes {
        var lowEven = SIMD16<UInt16>(repeating: .max)
        var lowOdd = SIMD16<UInt16>(repeating: .max)
        var highEven = SIMD16<UInt16>(repeating: 0)
        var highOdd = SIMD16<UInt16>(repeating: 0)
        let pair = UInt16(mask) &* 0x0101
        let flips = SIMD16<UInt16>(repeating: UInt16(flip) &* 0x0101)
        let masks = SIMD16<UInt16>(repeating: pair)
        let lowByte = SIMD16<UInt16>(repeating: 0x00FF)
        for index in 0..<vectors {
            let word = (raw.loadUnaligned(fromByteOffset: index &* vectorBytes, as: SIMD16<UInt16>.self) ^ flips) & masks
            let even = word & lowByte
            let odd = word &>> 8
            lowEven = lowEven.replacing(with: even, where: even .< lowEven)
            lowOdd = lowOdd.replacing(with: odd, where: odd .< lowOdd)
            highEven = highEven.replacing(with: even, where: even .> highEven)
            highOdd = highOdd.replacing(with: odd, where: odd .> highOdd)
        }
        return ByteExtremes(lowEven: lowEven, lowOdd: lowOdd, highEven: highEven, highOdd: highOdd)
    }

    /// Per-lane largest magnitude of 32-bit floats, as bits (sign cleared).
    @inline(__always)
    private static func extremes(_ raw: UnsafeRawBufferPointer, _ vectors: Int, _: SIMD8<UInt32>.Type, mask: UInt32) -> (SIMD8<UInt32>, SIMD8<UInt32>)
    {
        var high = SIMD8<UInt32>(repeating: 0)
        let masks = SIMD8<UInt32>(repeating: mask)
        for index in 0..<vectors {
            let value = raw.loadUnaligned(fromByteOffset: index &* vectorBytes, as: SIMD8<UInt32>.self) & masks
            high = high.replacing(with: value, where: value .> high)
        }
        return (high, high)
    }

    /// 24-bit samples, mono and stereo: each read with one 4-byte load ending on its last byte
    /// (arithmetic shift right by 8 sign-extends it), and only the extremes kept per channel.
    /// Other channel counts take the generic loop.
    static func scan24(_ raw: UnsafeRawBufferPointer, into peaks: UnsafeMutableBufferPointer<UInt32>) {
        let count = raw.count / 3
        guard count > 1, peaks.count <= 2 else {
            scan(raw, into: peaks, Int24Sample.self)
            return
        }
        #if _endian(little)
            @inline(__always) func sample(_ index: Int) -> Int32 {
                raw.loadUnaligned(fromByteOffset: index &* 3 &- 1, as: Int32.self) >> 8
            }
            // Zero is neutral for a magnitude. The first sample has no byte before it: read byte by byte.
            var low: (Int32, Int32) = (0, 0)
            var high: (Int32, Int32) = (0, 0)
            peaks[0] = max(peaks[0], Int24Sample.magnitude(raw, 0))
            if peaks.count == 1 {
                for index in 1..<count {
                    let value = sample(index)
                    low.0 = min(low.0, value)
                    high.0 = max(high.0, value)
                }
            } else {
                let right = sample(1)
                (low.1, high.1) = (min(0, right), max(0, right))
                var index = 2
                while index &+ 1 < count {
                    let left = sample(index)
                    let right = sample(index &+ 1)
                    low.0 = min(low.0, left)
                    high.0 = max(high.0, left)
                    low.1 = min(low.1, right)
                    high.1 = max(high.1, right)
                    index &+= 2
                }
                peaks[1] = max(peaks[1], max(low.1.magnitude, high.1.magnitude))
            }
            peaks[0] = max(peaks[0], max(low.0.magnitude, high.0.magnitude))
        #else
            scan(raw, into: peaks, Int24Sample.self)
        #endif
    }
}
