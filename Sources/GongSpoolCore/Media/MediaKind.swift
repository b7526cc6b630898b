/// The media formats Gong accepts for `PUT /v2/calls/{id}/media`.
public enum MediaKind: String, Sendable, CaseIterable, Codable {
    case wav, mp3, mp4, mkv, flac

    /// The kind named by a file extension (case-insensitive), if it is one Gong names: WAV,
    /// MP3, MP4, MKV, FLAC (reference §5). `.wave`, `.m4a`, `.mka` are not taken: Gong does not
    /// name them, and a file Gong refuses costs a create and a call without media.
    public init?(fileExtension: String) {
        // Lower-cased only when needed: this runs for every listed file.
        guard (3...4).contains(fileExtension.utf8.count) else { return nil }
        let lower = fileExtension.utf8.contains { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) } ? fileExtension.lowercased() : fileExtension
        switch lower {
        case "wav": self = .wav
        case "mp3": self = .mp3
        case "mp4": self = .mp4
        case "mkv": self = .mkv
        case "flac": self = .flac
        default: return nil
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
