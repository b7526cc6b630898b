import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads a non-Gong sidecar (JSON, XML or `key=value`) into flat `sidecar.<dotted.path>` fields.
public enum SidecarReader {
    /// Why a sidecar could not be read.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// What was wrong.
        public var description: String
    }

    /// The fields of `data`, named `sidecar.<path>`.
    public static func fields(_ data: Data, format: SidecarFormat) throws(Failure) -> [String: String] {
        var out: [String: String] = [:]
        switch format {
        case .json, .gong:
            let value: JSONValue
            do { value = try JSONValue.parse(data) } catch { throw Failure(description: error.description) }
            flatten(value, path: "sidecar", into: &out)
        case .xml:
            try requireUTF8XML(data)
            let reader = XMLFieldCollector()
            let parser = XMLParser(data: data)
            parser.shouldResolveExternalEntities = false
            parser.delegate = reader
            guard parser.parse() else {
                let detail = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "malformed XML"
                throw Failure(description: "not well-formed XML (line \(parser.lineNumber)): \(detail)")
            }
            for (key, value) in reader.fields { out["sidecar." + key] = value }
        case .keyvalue:
            guard let text = String(data: data, encoding: .utf8) else { throw Failure(description: "not UTF-8 text") }
            for (number, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") || (line.hasPrefix("[") && line.hasSuffix("]")) { continue }
                guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                    throw Failure(description: "line \(number + 1): expected key=value, found \"\(line.prefix(80))\"")
                }
                let key = line[..<separator].trimmingCharacters(in: .whitespaces)
                var value = line[line.index(after: separator)...].trimmingCharacters(in: .whitespaces)
                if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                    value = String(value.dropFirst().dropLast())
                }
                guard !key.isEmpty else { throw Failure(description: "line \(number + 1): empty key") }
                if out["sidecar." + key] == nil { out["sidecar." + key] = value }
            }
        case .none:
            break
        }
        return out
    }

    /// FoundationXML traps (a crash of the whole daemon) on element names that are not UTF-8,
    /// which libxml2 hands over from a document that is not, or that declares another encoding.
    /// XML sidecars are therefore read only as UTF-8 (ASCII is UTF-8).
    static func requireUTF8XML(_ data: Data) throws(Failure) {
        if let offset = JSONValue.firstInvalidUTF8Offset(data) {
            throw Failure(description: "XML sidecar is not UTF-8 (first bad byte near offset \(offset))")
        }
        let head = String(decoding: data.prefix(256), as: UTF8.self)
        guard head.hasPrefix("<?xml") || head.hasPrefix("\u{FEFF}<?xml"), let end = head.range(of: "?>") else { return }
        let declaration = head[..<end.lowerBound].lowercased().replacingOccurrences(of: "\"", with: "'")
        guard let encoding = declaration.range(of: "encoding") else { return }
        let value = declaration[encoding.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "'" }.prefix { $0 != "'" && $0 != " " }
        guard value == "utf-8" || value == "utf8" || value == "us-ascii" || value == "ascii" else {
            throw Failure(description: "XML sidecar declares encoding \"\(value)\"; only UTF-8 is read")
        }
    }

    static func flatten(_ value: JSONValue, path: String, into out: inout [String: String]) {
        switch value {
        case .null: break
        case .bool(let b): out[path] = b ? "true" : "false"
        case .integer(let i): out[path] = String(i)
        case .number(let d): out[path] = String(d)
        case .string(let s): out[path] = s
        case .array(let items):
            for (index, item) in items.enumerated() { flatten(item, path: "\(path).\(index)", into: &out) }
        case .object(let members):
            for (key, member) in members { flatten(member, path: "\(path).\(key)", into: &out) }
        }
    }
}

/// Collects element text and attributes by dotted path (first occurrence wins).
private final class XMLFieldCollector: NSObject, XMLParserDelegate {
    var fields: [String: String] = [:]
    private var stack: [String] = []
    private var text = ""

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        stack.append(elementName)
        text = ""
        let path = stack.joined(separator: ".")
        for (name, value) in attributes where fields[path + ".@" + name] == nil {
            fields[path + ".@" + name] = value
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        let path = stack.joined(separator: ".")
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if !value.isEmpty, fields[path] == nil { fields[path] = value }
        text = ""
        stack.removeLast()
    }
}
