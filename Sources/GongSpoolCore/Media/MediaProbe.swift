/// What the media header says about a file.
public struct MediaInfo: Sendable, Equatable {
    /// Format recognised from the content.
    public var kind: MediaKind
    /// Audio channels, when the header tells.
    public var channels: Int?
    /// Duration in seconds, when the header tells.
    public var durationSeconds: Double?
    /// Where the samples are and how they are coded, for WAV codings whose level can be read
    /// while hashing (PCM, float, µ-law, A-law).
    public var pcm: PCMLayout?

    /// Creates media info.
    public init(kind: MediaKind, channels: Int? = nil, durationSeconds: Double? = nil, pcm: PCMLayout? = nil) {
        self.kind = kind
        self.channels = channels
        self.durationSeconds = durationSeconds
        self.pcm = pcm
    }
}

/// The verdict of ``MediaProbe``.
public enum ProbeResult: Sendable, Equatable {
    /// The container is complete as far as its header can tell.
    case complete(MediaInfo)
    /// Still being written (or truncated): the header disagrees with the file size.
    case incomplete(String)
    /// Not a format GongSpool can send.
    case notMedia(String)
}

/// Reads container headers to tell a finished recording from one still being written.
///
/// WAV: Asterisk and ffmpeg write the RIFF and `data` sizes only when they close the file,
/// so a size of 0 (or 0xFFFFFFFF) or sizes that disagree with the file mean "not finished".
/// MP4: every top-level box must be complete and a `moov` box present.
/// MP3, FLAC, MKV: no reliable header marker; the settle time alone decides. Channels and
/// duration come from every format's header where it has them (WAV, FLAC STREAMINFO, the MP3
/// frame and its Xing/Info/VBRI header, MP4 `mvhd` and the sound track's sample entry, Matroska
/// `Info` and `Tracks`).
public enum MediaProbe {
    /// How many leading bytes ``probe(header:fileSize:readAt:)`` wants.
    public static let headerLength = 65_536

    /// Probes a file from its first bytes; `readAt` fetches further bytes (for MP4 box walks).
    public static func probe(header: [UInt8], fileSize: Int64, readAt: (Int64, Int) -> [UInt8]) -> ProbeResult {
        switch probeContainer(header: header, fileSize: fileSize, readAt: readAt) {
        case .complete(var info):
            // Whatever a header claims, only a finite, non-negative duration and a channel count
            // a container can hold (1–255) are facts (a request carries them; checks compare them).
            if let seconds = info.durationSeconds, !(seconds.isFinite && seconds >= 0) { info.durationSeconds = nil }
            if let channels = info.channels, !(1...255).contains(channels) { info.channels = nil }
            return .complete(info)
        case let other:
            return other
        }
    }

    static func probeContainer(header: [UInt8], fileSize: Int64, readAt: (Int64, Int) -> [UInt8]) -> ProbeResult {
        guard fileSize > 0 else { return .incomplete("file is empty") }
        guard let kind = MediaKind.sniff(header) else {
            return fileSize < 12 ? .incomplete("only \(fileSize) bytes so far") : .notMedia("content is not WAV, MP3, MP4, MKV or FLAC")
        }
        switch kind {
        case .wav: return probeWAV(header, fileSize: fileSize)
        case .mp4: return probeMP4(fileSize: fileSize, readAt: readAt)
        case .flac: return .complete(probeFLAC(header))
        case .mp3: return .complete(MP3Header.info(header, fileSize: fileSize))
        case .mkv: return .complete(MatroskaHeader.info(header))
        }
    }

    static func le32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }

    static func le16(_ b: [UInt8], _ o: Int) -> Int {
        Int(b[o]) | Int(b[o + 1]) << 8
    }

    static func be32(_ b: [UInt8], _ o: Int) -> UInt64 {
        UInt64(b[o]) << 24 | UInt64(b[o + 1]) << 16 | UInt64(b[o + 2]) << 8 | UInt64(b[o + 3])
    }

    static func probeWAV(_ h: [UInt8], fileSize: Int64) -> ProbeResult {
        guard h.count >= 12 else { return .incomplete("WAV header not written yet") }
        let riff = le32(h, 4)
        if riff == 0 || riff == 0xFFFF_FFFF {
            return .incomplete("WAV header not finalised (RIFF size \(riff)): still recording")
        }
        if Int64(riff) + 8 != fileSize && Int64(riff) + 8 + 1 != fileSize {
            return .incomplete("WAV header says \(Int64(riff) + 8) bytes but the file has \(fileSize)")
        }
        var offset = 12
        var channels: Int?
        var byteRate: UInt32 = 0
        var encoding: PCMLayout.Encoding?
        while offset + 8 <= h.count {
            let id = String(decoding: h[offset..<offset + 4], as: UTF8.self)
            let size = le32(h, offset + 4)
            let body = offset + 8
            if id == "fmt ", body + 16 <= h.count {
                channels = le16(h, body + 2)
                byteRate = le32(h, body + 8)
                // WAVE_FORMAT_EXTENSIBLE names the coding in the first two bytes of its sub-format GUID.
                let subFormat = size >= 40 && body + 26 <= h.count ? le16(h, body + 24) : nil
                encoding = PCMLayout.encoding(formatTag: le16(h, body), bitsPerSample: le16(h, body + 14), subFormat: subFormat)
            } else if id == "data" {
                if size == 0 || size == 0xFFFF_FFFF {
                    return .incomplete("WAV data size not finalised (\(size)): still recording")
                }
                if Int64(body) + Int64(size) > fileSize {
                    return .incomplete("WAV data chunk says \(size) bytes but only \(fileSize - Int64(body)) are there")
                }
                let duration = byteRate > 0 ? Double(size) / Double(byteRate) : nil
                let pcm = encoding.flatMap { coding in
                    channels.flatMap { $0 > 0 ? PCMLayout(encoding: coding, channels: $0, dataOffset: Int64(body), dataSize: Int64(size)) : nil }
                }
                return .complete(MediaInfo(kind: .wav, channels: channels, durationSeconds: duration, pcm: pcm))
            }
            offset = body + Int(size) + Int(size & 1)
        }
        return .incomplete("WAV data chunk not found in the first \(h.count) bytes")
    }

    static func probeMP4(fileSize: Int64, readAt: (Int64, Int) -> [UInt8]) -> ProbeResult {
        var offset: Int64 = 0
        var moov: MediaInfo?
        var boxes = 0
        while offset < fileSize {
            let head = readAt(offset, 16)
            guard head.count >= 8 else { return .incomplete("MP4 box header cut off at byte \(offset)") }
            var size = Int64(be32(head, 0))
            let type = String(decoding: head[4..<8], as: UTF8.self)
            if size == 1 {
                guard head.count >= 16 else { return .incomplete("MP4 box header cut off at byte \(offset)") }
                let wide = be32(head, 8) << 32 | be32(head, 12)
                // A 64-bit size is the file's word: it may exceed Int64 or what is left of the file.
                guard let exact = Int64(exactly: wide) else {
                    return .notMedia("MP4 box \(type) at byte \(offset) says \(wide) bytes: more than any file can hold")
                }
                size = exact
            } else if size == 0 {
                return .incomplete("MP4 box \(type) open to end of file: still being written")
            }
            guard size >= 8 else { return .notMedia("MP4 box \(type) has a bad size \(size)") }
            guard size <= fileSize - offset else {
                return .incomplete("MP4 box \(type) at byte \(offset) says \(size) bytes but only \(fileSize - offset) follow")
            }
            if type == "moov" {
                // Durations and channels live here; a moov beyond 16 MiB is not read (they are then unknown).
                let header = head.count >= 16 && be32(head, 0) == 1 ? 16 : 8
                moov =
                    size - Int64(header) <= 16 << 20 && offset + size <= fileSize
                    ? MP4Header.info(moov: readAt(offset + Int64(header), Int(size) - header)) : MediaInfo(kind: .mp4)
            }
            offset += size
            boxes += 1
            if boxes > 100_000 { return .notMedia("MP4 has too many top-level boxes") }
        }
        if offset != fileSize { return .incomplete("MP4 boxes need \(offset) bytes but the file has \(fileSize)") }
        guard let moov else { return .incomplete("MP4 has no moov box yet") }
        return .complete(moov)
    }

    static func probeFLAC(_ h: [UInt8]) -> MediaInfo {
        // fLaC, then a metadata block header (4 bytes), then STREAMINFO (34 bytes).
        guard h.count >= 42, h[4] & 0x7F == 0 else { return MediaInfo(kind: .flac) }
        let s = 8
        let sampleRate = Int(h[s + 10]) << 12 | Int(h[s + 11]) << 4 | Int(h[s + 12]) >> 4
        let channels = Int((h[s + 12] >> 1) & 0x07) + 1
        let totalSamples = Int64(h[s + 13] & 0x0F) << 32 | Int64(be32(h, s + 14))
        let duration = sampleRate > 0 && totalSamples > 0 ? Double(totalSamples) / Double(sampleRate) : nil
        return MediaInfo(kind: .flac, channels: channels, durationSeconds: duration)
    }
}
