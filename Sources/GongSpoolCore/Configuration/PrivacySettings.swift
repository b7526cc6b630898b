import Foundation

/// `privacy.*` keys: the parties whose calls are never sent to Gong.
public struct PrivacySettings: Sendable, Equatable, Codable {
    /// `privacy.neverSend.*`.
    public struct NeverSend: Sendable, Equatable, Codable {
        /// Phone numbers (any formatting: compared by their digits).
        public var numbers: [String] = []
        /// PBX extensions (HR, legal, a director's private line).
        public var extensions: [String] = []

        /// None.
        public init() {}

        enum CodingKeys: String, CodingKey {
            case numbers, extensions
        }
    }

    /// Whose calls are never sent.
    public var neverSend = NeverSend()
    /// The country calling code (`1`, `44`, `49`) national numbers are in, so `555 123 0000`
    /// matches `+1 555 123 0000`; unset: numbers without their country code match only as written.
    public var countryCode: String?
    /// What happens to an excluded recording's files.
    public var excludedFiles = ExcludedFiles.keep

    /// Nothing excluded.
    public init() {}

    func check(_ problems: inout ConfigProblems) {
        problems.within(CodingKeys.neverSend) { nested in
            for number in neverSend.numbers where number.filter(\.isASCIIDigit).count < 3 {
                nested.invalid(
                    NeverSend.CodingKeys.numbers,
                    "\"\(number)\" is not a phone number (fewer than 3 digits; extensions go under privacy.neverSend.extensions)")
            }
            for ext in neverSend.extensions where ext.trimmingCharacters(in: .whitespaces).isEmpty {
                nested.invalid(NeverSend.CodingKeys.extensions, "an empty extension")
            }
        }
        if let countryCode, !(1...3).contains(countryCode.count) || !countryCode.allSatisfy(\.isASCIIDigit) {
            problems.invalid(CodingKeys.countryCode, "must be 1 to 3 digits (1, 44, 49), found \"\(countryCode)\"")
        }
    }
}

/// `privacy.excludedFiles`: what happens to the files of a recording the privacy policy excludes.
public enum ExcludedFiles: String, Sendable, Equatable, ConfigChoice {
    /// Leave them in the spool (the PBX's retention applies).
    case keep
    /// Delete audio and sidecar (only the files examined, never through a link).
    case delete
}

extension Character {
    /// `0`…`9` (not other scripts' digits).
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
