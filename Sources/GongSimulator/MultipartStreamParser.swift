import Crypto
import Foundation

/// A file part received by the simulator.
struct ReceivedPart: Sendable {
    var name: String
    var filename: String?
    var contentType: String?
    var size: Int64
    var sha256: String
    /// The first bytes of the part (what it is, whatever its name says).
    var head: [UInt8] = []
}

/// Parses a `multipart/form-data` body as it streams in, hashing the first part's bytes
/// without keeping them: memory stays flat for any upload size.
struct MultipartStreamParser {
    private enum Phase { case preamble, headers, data, done }

    private let delimiter: [UInt8]
    private var phase = Phase.preamble
    private var pending: [UInt8] = []
    private var hasher = SHA256()
    private var current: ReceivedPart?
    private(set) var parts: [ReceivedPart] = []
    private(set) var malformed = false

    init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
    }

    /// The boundary parameter of a multipart Content-Type.
    static func boundary(from contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.trimmingCharacters(in: .whitespaces)
            if pair.lowercased().hasPrefix("boundary=") {
                return String(pair.dropFirst(9)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        guard phase != .done, !malformed else { return }
        if phase == .data && pending.isEmpty {
            consumeData(bytes)
            return
        }
        pending.append(contentsOf: bytes)
        process()
    }

    mutating func finish() {
        if phase != .done { malformed = true }
    }

    private mutating func process() {
        while true {
            switch phase {
            case .preamble:
                // The first delimiter has no leading CRLF.
                let first = Array(delimiter.dropFirst(2))
                guard let at = find(first, in: pending) else { return }
                pending.removeFirst(at + first.count)
                phase = .headers
            case .headers:
                guard pending.count >= 2 else { return }
                if pending[0] == 45 && pending[1] == 45 {
                    phase = .done
                    return
                }
                guard let end = find(Array("\r\n\r\n".utf8), in: pending) else {
                    if pending.count > 16 * 1024 { malformed = true }
                    return
                }
                let text = String(decoding: pending[0..<end], as: UTF8.self)
                pending.removeFirst(end + 4)
                current = Self.part(fromHeaders: text)
                hasher = SHA256()
                phase = .data
            case .data:
                let buffered = pending
                pending = []
                buffered.withUnsafeBytes { consumeData($0) }
                if phase == .data { return }
            case .done:
                return
            }
        }
    }

    /// Hashes data up to the next delimiter; keeps a possible partial delimiter for the next chunk.
    private mutating func consumeData(_ bytes: UnsafeRawBufferPointer) {
        let buffer = bytes.bindMemory(to: UInt8.self)
        var index = 0
        let first = delimiter[0]
        while index < buffer.count {
            guard let cr = buffer[index...].firstIndex(of: first) else { break }
            let remaining = buffer.count - cr
            if remaining < delimiter.count {
                if buffer[cr..<buffer.count].elementsEqual(delimiter.prefix(remaining)) {
                    absorb(UnsafeRawBufferPointer(rebasing: bytes[0..<cr]))
                    pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[cr...]))
                    return
                }
                index = cr + 1
                continue
            }
            if buffer[cr..<cr + delimiter.count].elementsEqual(delimiter) {
                absorb(UnsafeRawBufferPointer(rebasing: bytes[0..<cr]))
                closePart()
                pending = Array(UnsafeRawBufferPointer(rebasing: bytes[(cr + delimiter.count)...]))
                // After a delimiter: "--" ends the body, CRLF starts the next part's headers.
                phase = .headers
                if pending.count >= 2 {
                    if pending[0] == 13 && pending[1] == 10 { pending.removeFirst(2) }
                }
                process()
                return
            }
            index = cr + 1
        }
        absorb(bytes)
    }

    private mutating func absorb(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        hasher.update(bufferPointer: bytes)
        if let have = current?.head.count, have < 16 { current?.head.append(contentsOf: bytes.prefix(16 - have)) }
        current?.size += Int64(bytes.count)
    }

    private mutating func closePart() {
        guard var part = current else { return }
        part.sha256 = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        parts.append(part)
        current = nil
    }

    private static func part(fromHeaders text: String) -> ReceivedPart {
        var part = ReceivedPart(name: "", filename: nil, contentType: nil, size: 0, sha256: "")
        for line in text.split(separator: "\r\n") {
            let lower = line.lowercased()
            if lower.hasPrefix("content-disposition:") {
                for parameter in line.split(separator: ";").dropFirst() {
                    let kv = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard kv.count == 2 else { continue }
                    let value = kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                    if kv[0] == "name" { part.name = value }
                    if kv[0] == "filename" { part.filename = value }
                }
            } else if lower.hasPrefix("content-type:") {
                part.contentType = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
            }
        }
        return part
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count, let first = needle.first else { return nil }
        var i = 0
        while i <= haystack.count - needle.count {
            if haystack[i] == first && haystack[i..<i + needle.count].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
