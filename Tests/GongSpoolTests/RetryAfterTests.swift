import Foundation
import GongSpoolCore
import Testing

/// `Retry-After` is a number from outside: read strictly, bounded, never a trap.
@Suite struct RetryAfterTests {
    /// 2025-11-24 16:00:00 UTC: eight hours before the next UTC midnight.
    let now = Date(timeIntervalSince1970: 1_764_000_000)

    @Test func wholeSecondsAndDatesAreTaken() {
        #expect(RetryAfter.read("7", now: now, fallback: 10) == RetryAfter(seconds: 7, note: nil))
        #expect(RetryAfter.read(" 3600 ", now: now, fallback: 10) == RetryAfter(seconds: 3600, note: nil))
        #expect(RetryAfter.read(nil, now: now, fallback: 10) == RetryAfter(seconds: 10, note: nil))
        #expect(RetryAfter.read("Mon, 24 Nov 2025 16:00:30 GMT", now: now, fallback: 10).seconds == 30)
        #expect(RetryAfter.read("Wed, 21 Oct 2015 07:28:00 GMT", now: now, fallback: 10).seconds == 0, "a date in the past: no wait")
    }

    @Test func aWaitUntilTheDailyResetIsTaken() {
        let untilMidnight = 8 * 3600.0
        #expect(RetryAfter.read(String(Int(untilMidnight)), now: now, fallback: 10) == RetryAfter(seconds: untilMidnight, note: nil))
        #expect(RetryAfter.read("Tue, 25 Nov 2025 00:02:00 GMT", now: now, fallback: 10).note == nil, "a little past midnight: clock skew")
    }

    @Test(arguments: ["10000000000000000", "99999999999999999999999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT", "86400"])
    func hostileWaitsAreCapped(header: String) {
        let wait = RetryAfter.read(header, now: now, fallback: 10)
        #expect(wait.seconds == RetryAfter.maxSeconds)
        #expect(wait.note?.contains("capped at 3600 s") == true, "\(wait)")
    }

    @Test(arguments: ["1.5", "inf", "-5", "nan", "soon", "", "0x10", "1e9"])
    func unreadableWaitsUseTheDefault(header: String) {
        let wait = RetryAfter.read(header, now: now, fallback: 10)
        #expect(wait.seconds == 10)
        #expect(wait.note?.contains("waiting the default 10 s") == true, "\(wait)")
    }

    /// Found by fuzzing: Foundation's DateFormatter trapped on this header.
    @Test func nonASCIIHeadersAreReadWithoutFoundation() {
        let header = String(decoding: [0x46, 0x72, 0xCD, 0x9F, 0xCA, 0xCA, 0xC5, 0xCF, 0xC5, 0x97, 0x3E, 0x01], as: UTF8.self)
        #expect(RetryAfter.read(header, now: now, fallback: 10).seconds == 10)
        #expect(RetryAfter.read("Mon, 31 Feb 2025 16:00:30 GMT", now: now, fallback: 10).seconds == 10, "no such day")
        #expect(RetryAfter.read("Mon, 24 Nov 2025 16:00:30 UTC", now: now, fallback: 10).seconds == 10, "IMF-fixdate says GMT")
    }

    @Test func boundedNeverTraps() {
        for value in [Double.nan, .infinity, -.infinity, -1, 0, 1e300, .greatestFiniteMagnitude] {
            let wait = RetryAfter.bounded(value, now: now)
            #expect(wait.seconds >= 0 && wait.seconds <= RetryAfter.maxSeconds)
        }
        #expect(Bounded.milliseconds(.infinity) == Int64(Bounded.maxSeconds * 1000))
        #expect(Bounded.milliseconds(.nan) == 0)
        #expect(Bounded.int(1e20) == nil)
        #expect(Bounded.text(1e20) == "1e+20")
        #expect(Bounded.text(12) == "12")
        #expect(Bounded.nanoseconds(Date(timeIntervalSince1970: 253_402_300_799)) == Int64.max)
    }
}
