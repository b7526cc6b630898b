import Foundation

/// What the first MPEG audio frame of an MP3 says: channels, and the duration — from a Xing/Info
/// or VBRI header (the frame count an encoder writes), else from the bit rate (constant-rate files).
enum MP3Header {
    /// Channels and duration of an MP3 whose first bytes are `h`, `fileSize` long.
    static func info(_ h: [UInt8], fileSize: Int64) -> MediaInfo {
        var start = 0
        if h.count >= 10, h[0] == 0x49, h[1] == 0x44, h[2] == 0x33 {  // "ID3": skip the tag (sync-safe size)
            let size = Int(h[6] & 0x7F) << 21 | Int(h[7] & 0x7F) << 14 | Int(h[8] & 0x7F) << 7 | Int(h[9] & 0x7F)
            start = 10 + size + (h[5] & 0x10 != 0 ? 10 : 0)
        }
        var o = start
        while o + 4 <= h.count {
            if h[o] == 0xFF, h[o + 1] & 0xE0 == 0xE0, let frame = Frame(h, at: o) {
                return MediaInfo(kind: .mp3, channels: frame.channels, durationSeconds: frame.duration(h, at: o, bytesFromHere: fileSize - Int64(o)))
            }
            o += 1
        }
        return MediaInfo(kind: .mp3)
    }

    /// One frame header.
    struct Frame {
        let mpeg1: Bool
        let layer: Int
        let kbps: Int
        let sampleRate: Int
        let channels: Int

        init?(_ h: [UInt8], at o: Int) {
            let version = (h[o + 1] >> 3) & 3  // 0: 2.5, 2: 2, 3: 1
            let layerBits = (h[o + 1] >> 1) & 3  // 1: III, 2: II, 3: I
            let bitrateIndex = Int(h[o + 2] >> 4)
            let rateIndex = Int((h[o + 2] >> 2) & 3)
            guard version != 1, layerBits != 0, bitrateIndex != 0, bitrateIndex != 15, rateIndex != 3 else { return nil }
            mpeg1 = version == 3
            layer = 4 - Int(layerBits)
            let rates = [[11_025, 12_000, 8_000], [], [22_050, 24_000, 16_000], [44_100, 48_000, 32_000]]
            sampleRate = rates[Int(version)][rateIndex]
            let table: [Int] =
                switch (mpeg1, layer) {
                case (true, 1): [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448]
                case (true, 2): [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384]
                case (true, _): [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
                case (false, 1): [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256]
                case (false, _): [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
                }
            kbps = table[bitrateIndex]
            channels = h[o + 3] >> 6 == 3 ? 1 : 2
        }

        var samplesPerFrame: Int { layer == 1 ? 384 : (layer == 2 || mpeg1 ? 1152 : 576) }

        /// From the frame count of a Xing/Info or VBRI header, else the constant bit rate.
        func duration(_ h: [UInt8], at o: Int, bytesFromHere: Int64) -> Double? {
            let sideInfo = mpeg1 ? (channels == 1 ? 17 : 32) : (channels == 1 ? 9 : 17)
            let xing = o + 4 + sideInfo
            if xing + 12 <= h.count, let tag = String(bytes: h[xing..<xing + 4], encoding: .ascii), tag == "Xing" || tag == "Info" {
                let flags = be32(h, xing + 4)
                if flags & 1 != 0 { return Double(be32(h, xing + 8)) * Double(samplesPerFrame) / Double(sampleRate) }
            }
            let vbri = o + 4 + 32
            if vbri + 18 <= h.count, String(bytes: h[vbri..<vbri + 4], encoding: .ascii) == "VBRI" {
                return Double(be32(h, vbri + 14)) * Double(samplesPerFrame) / Double(sampleRate)
            }
            return Double(bytesFromHere) * 8 / Double(kbps * 1000)
        }

        private func be32(_ b: [UInt8], _ o: Int) -> UInt32 {
            UInt32(b[o]) << 24 | UInt32(b[o + 1]) << 16 | UInt32(b[o + 2]) << 8 | UInt32(b[o + 3])
        }
    }
}
