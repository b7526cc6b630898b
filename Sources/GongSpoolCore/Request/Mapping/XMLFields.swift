/// Reads an XML sidecar into flat fields: element paths joined by `.` (`recording.from`),
/// attributes as `….@name`, an element's text trimmed; the first occurrence of a path wins.
///
/// Written here rather than taken from FoundationXML: its `XMLParser` (over libxml2) crashes the
/// whole process on crafted documents — a trap on an element name that is not UTF-8, a NULL
/// `strlen` on a processing instruction without data — both found by fuzzing. PBX sidecars use
/// a small part of XML, and that part is read strictly: UTF-8 only; elements, attributes, text,
/// CDATA, comments and processing instructions; the five predefined entities and character
/// references. A DOCTYPE (and so every DTD entity, internal or external) is refused.
struct XMLFields {
    /// Why a document was not read.
    struct Failure: Error, Equatable {
        /// The 1-based line where reading stopped.
        var line: Int
        /// What was wrong there.
        var message: String
    }

    /// Deepest element nesting read (a sidecar is a handful of levels deep).
    static let maxDepth = 256

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var stack: [String] = []
    private var text: [UInt8] = []
    private(set) var fields: [String: String] = [:]

    /// Reads `bytes` (UTF-8).
    static func read(_ bytes: [UInt8]) throws(Failure) -> [String: String] {
        var reader = XMLFields(bytes: bytes)
        try reader.document()
        return reader.fields
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private mutating func document() throws(Failure) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        var sawRoot = false
        while index < bytes.count {
            if peek("<?") {
                try skip(past: "?>", what: "processing instruction")
            } else if peek("<!--") {
                try skip(past: "-->", what: "comment")
            } else if peek("<!DOCTYPE") || peek("<!doctype") {
                throw fail("a DOCTYPE is not read (DTDs and entities are refused)")
            } else if peek("<") {
                guard !sawRoot else { throw fail("content after the root element") }
                sawRoot = true
                try element()
            } else if isSpace(bytes[index]) {
                advance()
            } else {
                throw fail("text outside the root element")
            }
        }
        guard sawRoot else { throw fail("no root element") }
    }

    /// The root element and everything in it, without recursion.
    private mutating func element() throws(Failure) {
        try startTag()
        while !stack.isEmpty {
            guard index < bytes.count else { throw fail("document ends inside <\(stack.last ?? "")>") }
            if peek("</") {
                try endTag()
            } else if peek("<!--") {
                try skip(past: "-->", what: "comment")
            } else if peek("<![CDATA[") {
                index += 9
                guard let end = find("]]>") else { throw fail("CDATA section not closed") }
                text += bytes[index..<end]
                countLines(index..<end)
                index = end + 3
            } else if peek("<?") {
                try skip(past: "?>", what: "processing instruction")
            } else if peek("<!") {
                throw fail("markup declarations are not read")
            } else if peek("<") {
                try startTag()
            } else if bytes[index] == UInt8(ascii: "&") {
                text += try reference()
            } else {
                if bytes[index] == UInt8(ascii: "\n") { line += 1 }
                text.append(bytes[index])
                index += 1
            }
        }
    }

    private mutating func startTag() throws(Failure) {
        index += 1
        let name = try self.name()
        guard stack.count < Self.maxDepth else { throw fail("elements nested deeper than \(Self.maxDepth)") }
        stack.append(name)
        text = []
        let path = stack.joined(separator: ".")
        var seen: Set<String> = []
        while true {
            skipSpace()
            guard index < bytes.count else { throw fail("tag <\(name)> not closed") }
            if peek("/>") {
                index += 2
                closeElement()
                return
            }
            if bytes[index] == UInt8(ascii: ">") {
                index += 1
                return
            }
            let attribute = try self.name()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw fail("attribute \(attribute) has no value") }
            index += 1
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                throw fail("attribute \(attribute): value not quoted")
            }
            let quote = bytes[index]
            index += 1
            var value: [UInt8] = []
            while true {
                guard index < bytes.count else { throw fail("attribute \(attribute): value not closed") }
                let byte = bytes[index]
                if byte == quote { break }
                if byte == UInt8(ascii: "<") { throw fail("attribute \(attribute): '<' in a value") }
                if byte == UInt8(ascii: "&") {
                    value += try reference()
                    continue
                }
                if byte == UInt8(ascii: "\n") { line += 1 }
                // Attribute-value normalisation: white space characters become spaces.
                value.append(byte == 9 || byte == 10 || byte == 13 ? 32 : byte)
                index += 1
            }
            index += 1
            guard seen.insert(attribute).inserted else { throw fail("attribute \(attribute) given twice") }
            let key = path + ".@" + attribute
            if fields[key] == nil { fields[key] = String(decoding: value, as: UTF8.self) }
        }
    }

    private mutating func endTag() throws(Failure) {
        index += 2
        let name = try self.name()
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else { throw fail("end tag </\(name)> not closed") }
        index += 1
        guard stack.last == name else { throw fail("</\(name)> closes <\(stack.last ?? "")>") }
        closeElement()
    }

    /// An element ends: its text (since the last tag) is its value.
    private mutating func closeElement() {
        let path = stack.joined(separator: ".")
        let value = String(decoding: text, as: UTF8.self).trimmingXMLSpace
        if !value.isEmpty, fields[path] == nil { fields[path] = value }
        text = []
        stack.removeLast()
    }

    private mutating func name() throws(Failure) -> String {
        let start = index
        while index < bytes.count, !isSpace(bytes[index]), !"/>=<&\"'".utf8.contains(bytes[index]) { index += 1 }
        guard index > start else { throw fail("a name was expected") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// `&lt;` … `&apos;`, `&#N;`, `&#xH;` (any other entity is refused).
    private mutating func reference() throws(Failure) -> [UInt8] {
        guard let end = bytes[index...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else { throw fail("'&' without a reference") }
        let body = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
        index = end + 1
        switch body {
        case "lt": return [UInt8(ascii: "<")]
        case "gt": return [UInt8(ascii: ">")]
        case "amp": return [UInt8(ascii: "&")]
        case "quot": return [UInt8(ascii: "\"")]
        case "apos": return [UInt8(ascii: "'")]
        default:
            let number: UInt32? =
                body.hasPrefix("#x") ? UInt32(body.dropFirst(2), radix: 16) : body.hasPrefix("#") ? UInt32(body.dropFirst(), radix: 10) : nil
            guard let number, number != 0, let scalar = Unicode.Scalar(number) else { throw fail("unknown reference &\(body);") }
            return Array(String(Character(scalar)).utf8)
        }
    }

    private func peek(_ text: String) -> Bool {
        bytes[index...].starts(with: text.utf8)
    }

    private func find(_ text: String) -> Int? {
        let needle = Array(text.utf8)
        var at = index
        while at + needle.count <= bytes.count {
            if bytes[at] == needle[0], bytes[at..<(at + needle.count)].elementsEqual(needle) { return at }
            at += 1
        }
        return nil
    }

    private mutating func skip(past end: String, what: String) throws(Failure) {
        guard let at = find(end) else { throw fail("\(what) not closed") }
        countLines(index..<at)
        index = at + end.utf8.count
    }

    private mutating func skipSpace() {
        while index < bytes.count, isSpace(bytes[index]) { advance() }
    }

    private mutating func advance() {
        if bytes[index] == UInt8(ascii: "\n") { line += 1 }
        index += 1
    }

    private mutating func countLines(_ range: Range<Int>) {
        line += bytes[range].lazy.filter { $0 == UInt8(ascii: "\n") }.count
    }

    private func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 10 || byte == 13 }

    private func fail(_ message: String) -> Failure { Failure(line: line, message: message) }
}

extension String {
    /// Without leading and trailing XML white space (space, tab, CR, LF) and other Unicode space.
    var trimmingXMLSpace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
