import Foundation

/// Which recordings carry an erasure's subject: found anywhere in the request built for it
/// (its parties, its title, its custom data), in its file names (a PBX's names often carry the
/// other party's number), or — for a recording never built into a request (still pending,
/// rejected, held at intake) — in the text of its sidecar. A number is found by its digits
/// whatever the formatting (national forms with `privacy.countryCode`), an address without
/// regard to case. Errs towards erasing: the number anywhere in those texts matches.
public struct ErasureMatcher: Sendable {
    /// The number or address.
    public let subject: ErasureSubject
    /// `privacy.countryCode`.
    public let countryCode: String?
    /// The forms the number matches as (``NeverSendPolicy``'s keys), or the address as compared.
    private let keys: Set<String>
    /// The fewest digits a run of text needs to be the number (a national form's).
    private let fewestDigits: Int

    /// A matcher for `subject`.
    public init(_ subject: ErasureSubject, countryCode: String?) {
        self.subject = subject
        self.countryCode = countryCode
        switch subject {
        case .phone(let number):
            keys = NeverSendPolicy.numberKeys(number, countryCode: countryCode)
            fewestDigits = max(3, (keys.map(\.count).min() ?? 3) - (countryCode?.count ?? 0))
        case .email(let address):
            keys = [NeverSendPolicy.emailKey(address)]
            fewestDigits = 0
        }
    }

    /// Whether `row` carries the subject; `sidecarText` is read only for a row without a request.
    public func matches(_ row: Recording, sidecarText: () -> String?) -> Bool {
        if [row.stem, row.audioPath, row.sidecarPath].contains(where: { $0.map(mentions) ?? false }) { return true }
        guard let text = row.requestJSON ?? sidecarText() else { return false }
        return mentions(text)
    }

    /// Whether `value` (a party's number or address) is the subject.
    func isSubject(_ value: String) -> Bool {
        switch subject {
        case .phone: !NeverSendPolicy.numberKeys(value, countryCode: countryCode).isDisjoint(with: keys)
        case .email: keys.contains(NeverSendPolicy.emailKey(value))
        }
    }

    /// Whether free text holds the subject: an address anywhere in it (any case); a number as a
    /// run of digits and `+ ( ) - .` or spaces, or as one piece of a run cut at `-`, `.` and
    /// spaces (`out-5551230000-200-…`). Runs with too few digits are passed over unread.
    func mentions(_ text: String) -> Bool {
        guard case .phone = subject else { return keys.contains { text.lowercased().contains($0) } }
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            guard Self.inRun(bytes[index]) else {
                index += 1
                continue
            }
            let start = index
            while index < bytes.count, Self.inRun(bytes[index]) { index += 1 }
            let run = bytes[start..<index]
            guard run.lazy.filter(Self.isDigit).count >= fewestDigits else { continue }
            if isSubject(String(decoding: run, as: UTF8.self)) { return true }
            let pieces = run.split(whereSeparator: Self.cuts).filter { $0.lazy.filter(Self.isDigit).count >= fewestDigits }
            if pieces.count > 1, pieces.contains(where: { isSubject(String(decoding: $0, as: UTF8.self)) }) { return true }
        }
        return false
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Digits, `+`, `(`, `)`, `-`, `.`, space.
    private static func inRun(_ byte: UInt8) -> Bool {
        isDigit(byte) || byte == 0x2B || byte == 0x28 || byte == 0x29 || byte == 0x2D || byte == 0x2E || byte == 0x20
    }

    /// `-`, `.`, space: where a file name's fields meet.
    private static func cuts(_ byte: UInt8) -> Bool { byte == 0x2D || byte == 0x2E || byte == 0x20 }
}
