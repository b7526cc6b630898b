import Foundation

/// Conversions for numbers that come from outside (a sidecar, a media header, an HTTP header,
/// the configuration, the state): Swift traps on `Int(someDouble)` out of range or NaN, on
/// `Int64(someUInt64)` above `Int64.max` and on overflowing arithmetic, and a trap on a PBX is a
/// crash loop that stops every delivery. These never trap; callers decide what out of range means.
public enum Bounded {
    /// The longest wait or timeout ever asked of the clock: about 31 years.
    public static let maxSeconds: Double = 1e9

    /// `seconds` as a `Duration` for sleeps and timeouts: NaN and negatives are zero, anything
    /// above ``maxSeconds`` (infinity included) is ``maxSeconds``.
    public static func duration(seconds: Double) -> Duration {
        .milliseconds(milliseconds(seconds))
    }

    /// `seconds` in whole milliseconds, rounded up, within 0…``maxSeconds``.
    public static func milliseconds(_ seconds: Double) -> Int64 {
        guard seconds > 0 else { return 0 }  // NaN compares false
        return Int64((min(seconds, maxSeconds) * 1000).rounded(.up))
    }

    /// `value` rounded toward zero, or `nil` when it is not finite or does not fit an `Int`.
    public static func int(_ value: Double) -> Int? {
        guard value.isFinite, value.magnitude < 9.2e18 else { return nil }
        return Int(value)
    }

    /// `date` in nanoseconds since 1970, saturating at `Int64`'s range (years before 1678 or after
    /// 2262, as a configured cutoff may be).
    public static func nanoseconds(_ date: Date) -> Int64 {
        let value = date.timeIntervalSince1970 * 1e9
        guard !value.isNaN else { return 0 }
        if value >= 9.2e18 { return Int64.max }
        if value <= -9.2e18 { return Int64.min }
        return Int64(value)
    }

    /// `value` for a message: whole numbers without a fraction, others with one decimal,
    /// huge or non-finite values in scientific notation — never a trap.
    public static func text(_ value: Double) -> String {
        if value.isFinite, value.magnitude < 1e15 {
            return value == value.rounded() ? String(Int64(value)) : String(format: "%.1f", value)
        }
        return String(format: "%g", value)
    }
}
