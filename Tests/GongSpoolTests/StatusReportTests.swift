import Foundation
import GongSpoolCore
import Testing

@Suite struct StatusReportTests {
    let noon = Date(timeIntervalSince1970: 1_780_000_000 - 1_780_000_000.truncatingRemainder(dividingBy: 86_400) + 43_200)

    @Test func drainFitsInTodaysBudget() {
        #expect(StatusReport.drainEstimate(needed: 300, usedToday: 0, dailyLimit: 10_000, requestsPerSecond: 3, now: noon) == 100)
        #expect(StatusReport.drainEstimate(needed: 0, usedToday: 10_000, dailyLimit: 10_000, requestsPerSecond: 3, now: noon) == 0)
    }

    @Test func drainWaitsForTheNextUTCDays() {
        // 9,990 used: 10 today, then 10,000 tomorrow, then 90 the day after.
        let seconds = StatusReport.drainEstimate(needed: 10_100, usedToday: 9_990, dailyLimit: 10_000, requestsPerSecond: 3, now: noon)
        #expect(seconds == 43_200 + 86_400 + 30)
    }
}
