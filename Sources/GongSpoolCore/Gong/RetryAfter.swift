import Foundation

/// Gong's `Retry-After`, read as what it is: a number from outside. RFC 9110 allows whole
/// seconds or an HTTP date; anything else (a decimal, `inf`, text) is not a wait Gong asked for
/// and the default is used. A wait is never taken longer than Gong could mean it: an hour,
/// except one that ends by the next UTC midnight (when Gong's daily quota is reset, plus a few
/// minutes of clock skew) — a proxy answering `Retry-After: 10000000000000000` must not stop
/// sending for good, nor crash the daemon at every start because the pause is persisted.
public struct RetryAfter: Sendable, Equatable {
    /// How long to wait, in seconds (0 … about a day).
    public var seconds: Double
    /// Why the header was not taken as it stood (capped, unreadable); `nil` when it was.
    public var note: String?

    /// A wait of `seconds`, with `note` when it is not what Gong's header said.
    public init(seconds: Double, note: String?) {
        self.seconds = seconds
        self.note = note
    }

    /// The longest wait taken from a `Retry-After` that does not end by the quota's reset.
    public static let maxSeconds: Double = 3600
    /// Slack after UTC midnight for a wait meant to last until the daily quota resets.
    public static let midnightSlackSeconds: Double = 300

    /// Reads `header` at `now`; `fallback` seconds when there is none or it cannot be read.
    public static func read(_ header: String?, now: Date, fallback: Double) -> RetryAfter {
        guard let header else { return RetryAfter(seconds: fallback, note: nil) }
        let text = header.trimmingCharacters(in: .whitespaces)
        let asked: Double
        if !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }) {
            asked = Double(text) ?? .infinity  // digits only: at worst a huge finite value
        } else if let date = httpDate(text) {
            asked = max(0, date.timeIntervalSince(now))
        } else {
            let shown = String(text.prefix(40)).escapingControlCharacters
            return RetryAfter(
                seconds: fallback,
                note: "Retry-After \"\(shown)\" is not a number of seconds or a date; waiting the default \(Bounded.text(fallback)) s")
        }
        return bounded(asked, now: now)
    }

    /// `seconds` from `now`, within the bounds above (also applied to a pause kept in the state).
    public static func bounded(_ seconds: Double, now: Date) -> RetryAfter {
        guard seconds.isFinite else {
            return RetryAfter(seconds: maxSeconds, note: "a wait of \(seconds) s capped at \(Bounded.text(maxSeconds)) s")
        }
        if seconds <= 0 { return RetryAfter(seconds: 0, note: nil) }
        if seconds <= maxSeconds { return RetryAfter(seconds: seconds, note: nil) }
        let untilReset = ISOTimestamp.nextUTCMidnight(after: now).timeIntervalSince(now) + midnightSlackSeconds
        if seconds <= untilReset { return RetryAfter(seconds: seconds, note: nil) }
        return RetryAfter(
            seconds: maxSeconds,
            note: "Retry-After of \(Bounded.text(seconds)) s is beyond the next reset of Gong's daily quota; "
                + "capped at \(Bounded.text(maxSeconds)) s")
    }

    /// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), read byte by byte: Foundation's
    /// `DateFormatter` traps on some non-ASCII text (found by fuzzing), and a header is any bytes.
    /// The obsolete RFC 850 and asctime forms are not read (the default wait is used).
    static func httpDate(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count == 29, b[3] == UInt8(ascii: ","), b[4] == 32, b[7] == 32, b[11] == 32, b[16] == 32, b[19] == 58, b[22] == 58, b[25] == 32,
            String(decoding: b[26...], as: UTF8.self) == "GMT",
            ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].contains(String(decoding: b[0..<3], as: UTF8.self)),
            let month = months.firstIndex(of: String(decoding: b[8..<11], as: UTF8.self))
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in b[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let day = number(5..<7), let year = number(12..<16), let hour = number(17..<19), let minute = number(20..<22),
            let second = number(23..<25), (1...ISOTimestamp.daysIn(month: month + 1, year: year)).contains(day),
            hour < 24, minute < 60, second < 61
        else { return nil }
        let days = ISOTimestamp.daysFromCivil(year: year, month: month + 1, day: day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3600 + minute * 60 + min(second, 59)))
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
