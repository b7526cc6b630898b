import Foundation

/// Which recordings carry an erasure's subject. A recording whose request was built is matched
/// by its parties (a number by its digits — national forms with `privacy.countryCode` —, an
/// address without regard to case). Its file names count too (a PBX's names often carry the
/// other party's number). One never built (still pending, rejected, held at intake) is matched
/// by the text of its sidecar. Errs towards erasing: a number found anywhere in those matches.
public struct ErasureMatcher: Sendable {
    /// The number or address.
    public let subject: ErasureSubject
    /// `privacy.countryCode`.
    public let countryCode: String?

    /// A matcher for `subject`.
    public init(_ subject: ErasureSubject, countryCode: String?) {
        self.subject = subject
        self.countryCode = countryCode
    }

    /// Whether `row` carries the subject; `sidecarText` is read only for a row without a request.
    public func matches(_ row: Recording, sidecarText: () -> String?) -> Bool {
        if mentions([row.stem, row.audioPath, row.sidecarPath].compactMap { $0 }.joined(separator: " ")) { return true }
        guard let json = row.requestJSON else { return sidecarText().map(mentions) ?? false }
        let parties = (try? JSONValue.parse(Data(json.utf8)))?["parties"]?.arrayValue ?? []
        let key =
            switch subject {
            case .phone: "phoneNumber"
            case .email: "emailAddress"
            }
        return parties.contains { $0[key]?.stringValue.map(isSubject) ?? false }
    }

    /// Whether `value` (a party's number or address) is the subject.
    func isSubject(_ value: String) -> Bool {
        switch subject {
        case .phone(let number): NeverSendPolicy.sameNumber(value, number, countryCode: countryCode)
        case .email(let address): NeverSendPolicy.emailKey(value) == NeverSendPolicy.emailKey(address)
        }
    }

    /// Whether free text (a file name, a sidecar) holds the subject: an address anywhere in it
    /// (any case); a number as a run of digits and `+ ( ) - .` or spaces, or as one piece of a
    /// run cut at `-`, `.`, `_` and spaces (`out-5551230000-200-…`).
    func mentions(_ text: String) -> Bool {
        switch subject {
        case .email(let address):
            return text.lowercased().contains(NeverSendPolicy.emailKey(address))
        case .phone:
            var runs: [Substring] = []
            var start: String.Index?
            for index in text.indices {
                let character = text[index]
                if character.isASCIIDigit || "+()-. ".contains(character) {
                    if start == nil { start = index }
                } else if let begun = start {
                    runs.append(text[begun..<index])
                    start = nil
                }
            }
            if let start { runs.append(text[start...]) }
            return runs.contains { run in
                isSubject(String(run)) || run.split(whereSeparator: { "-._ ".contains($0) }).contains { isSubject(String($0)) }
            }
        }
    }
}
