/// Retry delays: exponential with full jitter between a floor and a ceiling.
///
/// The ceiling for attempt *n* is `min(maximum, initial × 2^(n−1))`; the delay is drawn
/// uniformly between `initial` and that ceiling. With `initial = 30`, `maximum = 3600`:
///
/// | attempt | range (s) |
/// |---|---|
/// | 1 | 30 |
/// | 2 | 30 – 60 |
/// | 3 | 30 – 120 |
/// | 5 | 30 – 480 |
/// | 8+ | 30 – 3600 |
public enum Backoff {
    /// The delay before retry number `attempt` (1-based); `unit` is a random number in `0..<1`.
    public static func delay(attempt: Int, initial: Double, maximum: Double, unit: Double) -> Double {
        let exponent = Double(min(max(attempt - 1, 0), 62))
        let ceiling = min(maximum, initial * pow2(exponent))
        let floor = min(initial, ceiling)
        return floor + (ceiling - floor) * min(max(unit, 0), 1)
    }

    private static func pow2(_ e: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(e) { result *= 2 }
        return result
    }
}
