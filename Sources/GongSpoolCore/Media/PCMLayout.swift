/// Where a WAV file's samples are and how they are coded: what ``LevelMeter`` needs to read the
/// level while the file is hashed.
public struct PCMLayout: Sendable, Equatable {
    /// How one sample is coded.
    public enum Encoding: Sendable, Equatable {
        /// Linear PCM: 8-bit unsigned, 16, 24 or 32-bit signed little-endian.
        case integer(bits: Int)
        /// 32-bit IEEE float, full scale ±1.0.
        case float32
        /// G.711 µ-law, one byte per sample.
        case muLaw
        /// G.711 A-law, one byte per sample.
        case aLaw

        /// Bytes per sample.
        public var bytes: Int {
            switch self {
            case .integer(let bits): bits / 8
            case .float32: 4
            case .muLaw, .aLaw: 1
            }
        }
    }

    /// The sample coding.
    public var encoding: Encoding
    /// Interleaved channels.
    public var channels: Int
    /// Offset of the first sample in the file.
    public var dataOffset: Int64
    /// Bytes of samples.
    public var dataSize: Int64

    /// A layout.
    public init(encoding: Encoding, channels: Int, dataOffset: Int64, dataSize: Int64) {
        self.encoding = encoding
        self.channels = channels
        self.dataOffset = dataOffset
        self.dataSize = dataSize
    }

    /// Bytes per frame (one sample of every channel).
    public var frameBytes: Int { encoding.bytes * channels }

    /// The coding a WAV `fmt ` chunk names, if the level can be read from it: format tag 1 (PCM),
    /// 3 (float), 6 (A-law), 7 (µ-law), or 0xFFFE (extensible) with one of those as sub-format.
    static func encoding(formatTag: Int, bitsPerSample: Int, subFormat: Int?) -> Encoding? {
        let tag = formatTag == 0xFFFE ? (subFormat ?? 0) : formatTag
        switch (tag, bitsPerSample) {
        case (1, 8), (1, 16), (1, 24), (1, 32): return .integer(bits: bitsPerSample)
        case (3, 32): return .float32
        case (6, 8): return .aLaw
        case (7, 8): return .muLaw
        default: return nil
        }
    }
}
