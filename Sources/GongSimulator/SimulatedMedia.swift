import Foundation

/// What the simulator makes of an uploaded media part, from its own look at the bytes (not the
/// daemon's probe): the container the bytes are, against the name and type the part declares.
enum SimulatedMedia {
    /// The container of `head` (the part's first bytes): `wav`, `mp3`, `mp4`, `mkv`, `flac`, or `nil`.
    static func container(_ head: [UInt8]) -> String? {
        func at(_ offset: Int, _ text: String) -> Bool {
            let bytes = Array(text.utf8)
            return head.count >= offset + bytes.count && head[offset..<offset + bytes.count].elementsEqual(bytes)
        }
        if at(0, "RIFF") && at(8, "WAVE") { return "wav" }
        if at(0, "fLaC") { return "flac" }
        if at(4, "ftyp") { return "mp4" }
        if head.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) { return "mkv" }
        if at(0, "ID3") || (head.count >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0) { return "mp3" }
        return nil
    }

    /// The containers each declared Content-Type may carry (`application/octet-stream`: any).
    static let typesByContainer: [String: Set<String>] = [
        "wav": ["audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"],
        "mp3": ["audio/mpeg", "audio/mp3"],
        "mp4": ["video/mp4", "audio/mp4"],
        "mkv": ["video/x-matroska", "audio/x-matroska"],
        "flac": ["audio/flac", "audio/x-flac"],
    ]

    /// Why Gong would refuse the part, if it would: 415 for bytes that are none of the media
    /// types Gong takes (or one it is told to refuse), 400 for a name or type that says another.
    static func refusal(_ part: ReceivedPart, refusedKinds: Set<String>) -> (status: Int, message: String)? {
        guard let kind = container(part.head) else {
            return (415, "Unsupported media type: the mediaFile is none of WAV, MP3, MP4, MKV, FLAC")
        }
        if refusedKinds.contains(kind) { return (415, "Unsupported media type: \(kind) media with this encoding is not supported") }
        let name = (part.filename ?? "").lowercased()
        guard let ext = name.split(separator: ".").last.map(String.init), name.contains("."), ext == kind else {
            return (400, "mediaFile's filename \"\(part.filename ?? "")\" does not name its content (\(kind))")
        }
        let type = (part.contentType ?? "").lowercased().split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard type == "application/octet-stream" || typesByContainer[kind, default: []].contains(type) else {
            return (400, "mediaFile's Content-Type \"\(part.contentType ?? "")\" does not match its content (\(kind))")
        }
        return nil
    }
}
