import Foundation

/// Checks for the JSON Schema `format` values used by Gong's request schema.
enum FormatChecks {
    /// Whether `s` satisfies `format`; unknown formats pass (they are annotations).
    static func check(_ s: String, format: String) -> Bool {
        switch format {
        case "date-time": isDateTime(s)
        case "email": isEmail(s)
        case "uri": isURI(s)
        default: true
        }
    }

    /// RFC 3339 date-time: calendar fields must be real (no month 13, no 31 April).
    static func isDateTime(_ s: String) -> Bool {
        ISOTimestamp.parse(s) != nil
    }

    static func isEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !s.contains(where: \.isWhitespace)
        else { return false }
        let domain = parts[1].lowercased()
        guard !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..") else { return false }
        // Reserved top-level domains Gong was seen rejecting.
        let reserved = [".example", ".test", ".invalid", ".localhost"]
        return !reserved.contains { domain.hasSuffix($0) }
    }

    static func isURI(_ s: String) -> Bool {
        guard let url = URL(string: s), let scheme = url.scheme, !scheme.isEmpty else { return false }
        return !s.contains(where: \.isWhitespace)
    }
}
