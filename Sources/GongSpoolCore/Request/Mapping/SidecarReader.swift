import Foundation

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
            if let offset = JSONValue.firstInvalidUTF8Offset(data) {
                throw Failure(description: "XML sidecar is not UTF-8 (first bad byte near offset \(offset))")
            }
            try requireUTF8Declaration(data)
            do {
                for (key, value) in try XMLFields.read(Array(data)) { out["sidecar." + key] = value }
            } catch {
                throw Failure(description: "not well-formed XML (line \(error.line)): \(error.message)")
            }
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

    /// An XML declaration naming another encoding than UTF-8 is refused (the bytes are read as UTF-8).
    static func requireUTF8Declaration(_ data: Data) throws(Failure) {
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
