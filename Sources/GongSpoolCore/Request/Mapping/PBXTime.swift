import Foundation

/// Reads the timestamps PBXs write — `20261122-101500`, `20261122101500`, `2026-11-22 10:15:00`,
/// epoch seconds (`1763806500`, `1763806500.123`) or ISO-8601 with a zone — into instants.
/// Naive wall-clock times are read in the configured time zone (`spool.timeZone`).
public enum PBXTime {
    /// The instant `text` names, or `nil` when it is not a timestamp or not a real calendar time.
    /// In a daylight-saving fold the earlier reading is taken; a time in a spring-forward gap
    /// (which a PBX clock cannot show) is read with the offset in force before the gap.
    public static func parse(_ text: String, zone: TimeZone) -> Date? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let instant = ISOTimestamp.parse(text) { return instant }
        if let epoch = epochSeconds(text) { return Date(timeIntervalSince1970: epoch) }
        guard let wall = wallClockSeconds(text) else { return nil }
        return local(wall, zone: zone)
    }

    /// Seconds of a naive wall-clock time counted as if it were UTC.
    static func wallClockSeconds(_ text: String) -> Double? {
        var digits: [Int] = []
        var fraction = 0.0
        var rest = Substring(text)
        if let dot = text.lastIndex(of: "."), text.distance(from: text.startIndex, to: dot) >= 14 {
            guard let f = Double("0" + text[dot...]) else { return nil }
            fraction = f
            rest = text[..<dot]
        }
        for character in rest {
            if let digit = character.wholeNumberValue, character.isASCII {
                digits.append(digit)
            } else if !"-: T_/".contains(character) {
                return nil
            }
        }
        guard digits.count == 14 else { return nil }
        func number(_ range: Range<Int>) -> Int { digits[range].reduce(0) { $0 * 10 + $1 } }
        let (year, month, day) = (number(0..<4), number(4..<6), number(6..<8))
        let (hour, minute, second) = (number(8..<10), number(10..<12), number(12..<14))
        guard year >= 1970, (1...12).contains(month), day >= 1, day <= ISOTimestamp.daysIn(month: month, year: year),
            hour <= 23, minute <= 59, second <= 59
        else { return nil }
        return Double(ISOTimestamp.daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second) + fraction
    }

    /// Epoch seconds: 9 to 10 digits with an optional fraction, or 13 digits of milliseconds.
    static func epochSeconds(_ text: String) -> Double? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, whole.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if parts.count == 2, parts[1].isEmpty || !parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) { return nil }
        switch whole.count {
        case 9...10: return Double(text)
        case 13 where parts.count == 1: return Double(text).map { $0 / 1000 }
        default: return nil
        }
    }

    /// The instant at which clocks in `zone` showed `wall`.
    static func local(_ wall: Double, zone: TimeZone) -> Date {
        let before = Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall - 86_400)))
        let after = Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall + 86_400)))
        // Try both offsets around the time; keep the earliest instant that reads back as `wall`.
        let candidates = [wall - max(before, after), wall - min(before, after)].sorted()
        for candidate in candidates where Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: candidate))) + candidate == wall {
            return Date(timeIntervalSince1970: candidate)
        }
        return Date(timeIntervalSince1970: wall - before)
    }

    /// Parses a duration: seconds (`93`, `93.5`) or `[HH:]MM:SS`.
    public static func duration(_ text: String) -> Double? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(text), seconds.isFinite, seconds >= 0 { return seconds }
        let parts = text.split(separator: ":")
        guard (2...3).contains(parts.count) else { return nil }
        var total = 0.0
        for part in parts {
            guard let value = Double(part), value >= 0 else { return nil }
            total = total * 60 + value
        }
        return total.isFinite ? total : nil
    }
}
