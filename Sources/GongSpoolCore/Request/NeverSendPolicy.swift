import Foundation

/// Whose calls never go to Gong: the configuration's `privacy.neverSend` numbers and
/// extensions, and the numbers and addresses erased on request (``adding(_:)``, from the
/// state). A recording with any party that matches is excluded before any request, and the
/// rule that matched is named (an erasure by its audit number, not by the number).
///
/// Numbers compare by their digits, whatever the formatting: `+1 (555) 123-0000`,
/// `15551230000` and `+15551230000` are one number (`00` before the digits is read as `+`). With
/// `privacy.countryCode` a national form matches too: `555 123 0000` (or, with a trunk `0`,
/// `020 7946 0000` for `44`) is `+1 555 123 0000`. Extensions compare as written (digits by
/// their digits).
public struct NeverSendPolicy: Sendable, Equatable {
    /// One never-send entry.
    public struct Rule: Sendable, Equatable {
        /// How it reads in a reason: `privacy.neverSend.numbers "+1 (555) 123-0000"`.
        public let name: String
        /// The forms it matches.
        let keys: Set<String>
    }

    /// Number rules.
    public private(set) var numbers: [Rule]
    /// Extension rules.
    public let extensions: [Rule]
    /// Email address rules (lowercased), from erasures.
    public private(set) var emails: [Rule] = []
    /// The country calling code national numbers are in.
    public let countryCode: String?

    /// The policy of `settings`.
    public init(_ settings: PrivacySettings) {
        countryCode = settings.countryCode
        numbers = settings.neverSend.numbers.map { number in
            Rule(name: "privacy.neverSend.numbers \"\(number)\"", keys: Self.numberKeys(number, countryCode: settings.countryCode))
        }
        extensions = settings.neverSend.extensions.map { ext in
            Rule(name: "privacy.neverSend.extensions \"\(ext)\"", keys: [Self.extensionKey(ext)])
        }
    }

    /// Whether nothing is excluded.
    public var isEmpty: Bool { numbers.isEmpty && extensions.isEmpty && emails.isEmpty }

    /// The policy with the subjects of `erasures` added.
    public func adding(_ erasures: [ErasureRecord]) -> NeverSendPolicy {
        var policy = self
        for erasure in erasures {
            let name = "an erasure on request (gongspool audit #\(erasure.id ?? 0))"
            switch erasure.erasureSubject {
            case .phone(let number): policy.numbers.append(Rule(name: name, keys: Self.numberKeys(number, countryCode: countryCode)))
            case .email(let address): policy.emails.append(Rule(name: name, keys: [Self.emailKey(address)]))
            case nil: continue
            }
        }
        return policy
    }

    /// The rule a party matches: `numbers` are phone numbers (parties, the other side),
    /// `emails` their addresses, `pbxValues` the PBX's own identifiers (from, to, rep: an
    /// extension or a number).
    public func match(numbers given: [String], emails: [String] = [], pbxValues: [String] = []) -> Rule? {
        let asExtensions = Set(pbxValues.map(Self.extensionKey))
        if let rule = extensions.first(where: { !$0.keys.isDisjoint(with: asExtensions) }) { return rule }
        let asNumbers = (given + pbxValues).reduce(into: Set<String>()) { keys, value in
            keys.formUnion(Self.numberKeys(value, countryCode: countryCode))
        }
        if let rule = numbers.first(where: { !$0.keys.isDisjoint(with: asNumbers) }) { return rule }
        let asEmails = Set(emails.map(Self.emailKey))
        return self.emails.first { !$0.keys.isDisjoint(with: asEmails) }
    }

    /// An address as compared: trimmed and lowercased.
    public static func emailKey(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// Whether `a` and `b` are one phone number (by their digits; national forms in `countryCode`).
    public static func sameNumber(_ a: String, _ b: String, countryCode: String?) -> Bool {
        !numberKeys(a, countryCode: countryCode).isDisjoint(with: numberKeys(b, countryCode: countryCode))
    }

    /// `text` as Gong's data-privacy API takes a number: `+`, the country code, the number
    /// (`+15551230000`). A number written without `+` or `00` is national, in `countryCode`
    /// (a trunk `0` dropped); `nil` without a country code then, or under 8 digits.
    public static func international(_ text: String, countryCode: String?) -> String? {
        let digits = digits(text)
        let international: String
        if text.trimmingCharacters(in: .whitespaces).hasPrefix("+") {
            international = digits
        } else if digits.hasPrefix("00") {
            international = String(digits.dropFirst(2))
        } else if let countryCode {
            international = countryCode + (digits.hasPrefix("0") ? String(digits.dropFirst()) : digits)
        } else {
            return nil
        }
        return international.count >= 8 ? "+" + international : nil
    }

    /// The digits of `text` (`+1 (555) 123-0000` → `15551230000`).
    public static func digits(_ text: String) -> String {
        String(text.filter(\.isASCIIDigit))
    }

    /// The forms a number matches as: its international digits, and with a country code a
    /// national form's international digits too. Fewer than 3 digits: none (not a number).
    static func numberKeys(_ text: String, countryCode: String?) -> Set<String> {
        var digits = digits(text)
        guard digits.count >= 3 else { return [] }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("+") { return [digits] }
        if digits.hasPrefix("00") {
            digits.removeFirst(2)
            return [digits]
        }
        var keys: Set<String> = [digits]
        if let countryCode {
            keys.insert(countryCode + (digits.hasPrefix("0") ? String(digits.dropFirst()) : digits))
        }
        return keys
    }

    /// An extension as compared: digits only when it is a number, else lowercased.
    static func extensionKey(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = digits(trimmed)
        let onlyDigits = trimmed.allSatisfy { $0.isASCIIDigit || " -.()".contains($0) }
        return onlyDigits && !digits.isEmpty ? digits : trimmed.lowercased()
    }
}
