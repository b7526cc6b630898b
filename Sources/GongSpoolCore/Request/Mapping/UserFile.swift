import Foundation

/// Reads the users CSV file (`users.file`): `identifier,userId` per line, an optional header
/// line, `#` comments. Identifiers are extensions, e-mail addresses or phone numbers.
public enum UserFile {
    /// A line that cannot be used.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// What and where.
        public var description: String
    }

    /// Parses `text` (the file at `path`, for messages).
    public static func parse(_ text: String, path: String) throws(Failure) -> [String: String] {
        var entries: [String: String] = [:]
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = CSVLine.fields(Substring(line)).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 2, !fields[0].isEmpty else {
                throw Failure(description: "\(path) line \(index + 1): expected identifier,userId")
            }
            guard !fields[1].isEmpty, fields[1].allSatisfy({ $0.isASCII && $0.isNumber }) else {
                if entries.isEmpty && index == 0 { continue }  // a header line
                throw Failure(description: "\(path) line \(index + 1): Gong user id \"\(fields[1])\" is not a number")
            }
            entries[fields[0]] = fields[1]
        }
        return entries
    }

    /// Reads and parses the file at `path`.
    public static func read(path: String) throws(Failure) -> [String: String] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Failure(description: "cannot read \(path): \((error as NSError).localizedFailureReason ?? "missing, unreadable or not UTF-8")")
        }
        return try parse(text, path: path)
    }
}
