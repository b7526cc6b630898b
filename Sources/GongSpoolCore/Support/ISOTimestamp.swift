import Foundation

/// Strict ISO-8601 / RFC 3339 timestamps with a mandatory zone, as Gong wants them.
public enum ISOTimestamp {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)` into an instant; `nil` if malformed,
    /// naive (no zone) or not a real calendar time.
    public static func parse(_ s: String) -> Date? {
        let bytes = Array(s.utf8)
        guard bytes.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var n = 0
            for b in bytes[range] {
                guard b >= 48, b <= 57 else { return nil }
                n = n * 10 + Int(b - 48)
            }
            return n
        }
        guard let year = number(0..<4), bytes[4] == 45, let month = number(5..<7), bytes[7] == 45,
            let day = number(8..<10), bytes[10] == 84, let hour = number(11..<13), bytes[13] == 58,
            let minute = number(14..<16), bytes[16] == 58, let second = number(17..<19)
        else { return nil }
        var i = 19
        var fraction = 0.0
        if bytes[i] == 46 {
            let start = i + 1
            i = start
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { i += 1 }
            let digits = i - start
            guard digits >= 1, digits <= 9, let value = number(start..<i) else { return nil }
            fraction = Double(value) / pow(10, Double(digits))
        }
        guard i < bytes.count else { return nil }
        var offsetSeconds = 0
        if bytes[i] == 90 {
            guard i + 1 == bytes.count else { return nil }
        } else if bytes[i] == 43 || bytes[i] == 45 {
            guard i + 6 == bytes.count, let oh = number(i + 1..<i + 3), bytes[i + 3] == 58,
                let om = number(i + 4..<i + 6), oh <= 23, om <= 59
            else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (bytes[i] == 43 ? 1 : -1)
        } else {
            return nil
        }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            hour <= 23, minute <= 59, second <= 60
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offsetSeconds) + fraction
        return Date(timeIntervalSince1970: seconds)
    }

    /// Formats an instant as `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds); instants outside the
    /// years 0001–9999 (a time read from the state or a header) are shown at that bound.
    public static func format(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let total = seconds.isNaN ? 0 : Int(min(max(seconds, -62_135_596_800), 253_402_300_799).rounded(.down))
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secs = total - days * 86_400
        let (y, m, d) = civilFromDays(days)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, secs / 3600, (secs / 60) % 60, secs % 60)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's civil-from-days algorithm, inverted).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// The UTC day of `date` (`2026-11-30`): the day Gong's daily limit counts in.
    public static func utcDay(_ date: Date) -> String {
        String(format(date).prefix(10))
    }

    /// The next UTC midnight after `date` (when Gong's daily limit starts again).
    public static func nextUTCMidnight(after date: Date) -> Date {
        let day = (date.timeIntervalSince1970 / 86_400).rounded(.down)
        return Date(timeIntervalSince1970: (day + 1) * 86_400)
    }
}
