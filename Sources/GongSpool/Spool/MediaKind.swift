/// The media formats Gong accepts for `PUT /v2/calls/{id}/media`.
public enum MediaKind: String, Sendable, CaseIterable, Codable {
    case wav, mp3, mp4, mkv, flac

    /// The kind named by a file extension (case-insensitive), if it is one GongSpool takes.
    public init?(fileExtension: String) {
        // Lower-cased only when needed: this runs for every listed file.
        guard (3...4).contains(fileExtension.utf8.count) else { return nil }
        let lower = fileExtension.utf8.contains { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) } ? fileExtension.lowercased() : fileExtension
        switch lower {
        case "wav", "wave": self = .wav
        case "mp3": self = .mp3
        case "mp4", "m4a": self = .mp4
        case "mkv", "mka": self = .mkv
        case "flac": self = .flac
        default: return nil
        }
    }

    /// The multipart part's Content-Type for a file named `name`: an audio-only container
    /// (`.m4a`, `.mka`) is declared as audio.
    public func contentType(forFileName name: String) -> String {
        let ext = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch (self, ext) {
        case (.mp4, "m4a"): return "audio/mp4"
        case (.mkv, "mka"): return "audio/x-matroska"
        default: return contentType
        }
    }

    /// The multipart part's Content-Type.
    public var contentType: String {
        switch self {
        case .wav: "audio/wav"
        case .mp3: "audio/mpeg"
        case .mp4: "video/mp4"
        case .mkv: "video/x-matroska"
        case .flac: "audio/flac"
        }
    }

    /// Recognises the format from the first bytes of a file (at least 12).
    public static func sniff(_ header: [UInt8]) -> MediaKind? {
        func ascii(_ offset: Int, _ text: String) -> Bool {
            let bytes = Array(text.utf8)
            return header.count >= offset + bytes.count && Array(header[offset..<offset + bytes.count]) == bytes
        }
        if ascii(0, "RIFF") && ascii(8, "WAVE") { return .wav }
        if ascii(0, "fLaC") { return .flac }
        if ascii(4, "ftyp") { return .mp4 }
        if header.count >= 4 && header[0] == 0x1A && header[1] == 0x45 && header[2] == 0xDF && header[3] == 0xA3 { return .mkv }
        if ascii(0, "ID3") { return .mp3 }
        if header.count >= 2 && header[0] == 0xFF && (header[1] & 0xE0) == 0xE0 { return .mp3 }
        return nil
    }
}
