import Foundation
import GongSpoolCore
import Testing

@Suite struct BacklogProgressTests {
    let start = Date(timeIntervalSince1970: 1_780_000_000)

    func at(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }

    @Test func aFirstStartIsFollowedFromExaminedToDelivered() {
        var progress = BacklogProgress(interval: 30)
        // 2,000 files found: all pending.
        #expect(progress.observe([.pending: 2_000], now: at(0), drainSeconds: 1_334).isEmpty)
        #expect(progress.intakeStatus == "intake: 0 of 2,000 examined")
        // Not yet due.
        #expect(progress.observe([.pending: 1_500, .ready: 500], now: at(10), drainSeconds: 1_334).isEmpty)
        let first = progress.observe([.pending: 800, .ready: 1_150, .done: 50], now: at(41), drainSeconds: 1_300)
        #expect(
            first.map(\.message) == [
                "intake: 1,200 of 2,000 recordings examined",
                "delivered 50 of 1,200, 1,150 to go, about 21m 40s at the current limits",
            ])
        #expect(progress.intakeStatus == "intake: 1,200 of 2,000 examined")
        // Intake ends: its finished line; delivery goes on, with one recording held.
        let second = progress.observe([.ready: 1_449, .done: 500, .held: 1, .rejected: 50], now: at(72), drainSeconds: 966)
        #expect(
            second.map(\.message) == [
                "intake finished: 2,000 recordings examined in 1m 12s",
                "delivered 500 of 1,950, 1,449 to go, 1 held, about 16m 06s at the current limits",
            ])
        #expect(second.map(\.finished) == [true, false])
        #expect(progress.intakeStatus == nil)
        // Sending halted: no estimate.
        let halted = progress.observe([.ready: 1_000, .done: 949, .held: 1, .rejected: 50], now: at(103), drainSeconds: nil)
        #expect(halted.map(\.message) == ["delivered 949 of 1,950, 1,000 to go, 1 held; sending is halted"])
        let done = progress.observe([.done: 1_949, .held: 1, .rejected: 50], now: at(110), drainSeconds: 0)
        #expect(done.map(\.message) == ["delivery finished: 1,949 delivered in 1m 40s; 1 held for a person (gongspool list --state held)"])
        #expect(done.map(\.finished) == [true])
        #expect(progress.observe([.done: 1_949, .held: 1, .rejected: 50], now: at(200), drainSeconds: 0).isEmpty)
    }

    @Test func aBacklogGoneBeforeItsFirstLineSaysNothing() {
        var progress = BacklogProgress(interval: 30)
        #expect(progress.observe([.done: 10], now: at(0), drainSeconds: 0).isEmpty)
        #expect(progress.observe([.done: 10, .pending: 1], now: at(5), drainSeconds: 1).isEmpty)
        #expect(progress.observe([.done: 10, .ready: 1], now: at(10), drainSeconds: 1).isEmpty)
        #expect(progress.observe([.done: 11], now: at(15), drainSeconds: 0).isEmpty)
        // Off: never a line.
        var off = BacklogProgress(interval: 0)
        #expect(off.observe([.pending: 5], now: at(0), drainSeconds: 1).isEmpty)
        #expect(off.observe([.pending: 5], now: at(1_000), drainSeconds: 1).isEmpty)
    }

    @Test func recordingsWaitingForARetryAreNamedAndNotEstimated() {
        var progress = BacklogProgress(interval: 30)
        _ = progress.observe([.ready: 10], now: at(0), drainSeconds: 7)
        let some = progress.observe([.ready: 4, .waiting: 2, .done: 4], now: at(30), drainSeconds: 3)
        #expect(some.map(\.message) == ["delivered 4 of 10, 6 to go (2 waiting to be retried), about 3s at the current limits"])
        // Only retries left: their time is the backoff's, so no estimate.
        let retries = progress.observe([.waiting: 1, .done: 9], now: at(60), drainSeconds: 1)
        #expect(retries.map(\.message) == ["delivered 9 of 10, 1 to go (1 waiting to be retried)"])
    }

    @Test func filesArrivingDuringIntakeGrowItsTotal() {
        var progress = BacklogProgress(interval: 30)
        _ = progress.observe([.pending: 100], now: at(0), drainSeconds: 1)
        // 60 examined, 40 new files found meanwhile.
        let notes = progress.observe([.pending: 80, .ready: 60], now: at(30), drainSeconds: 1)
        #expect(notes.first?.message == "intake: 60 of 140 recordings examined")
    }

    @Test func numbersAreGroupedWhateverTheLocale() {
        #expect(BacklogProgress.grouped(0) == "0")
        #expect(BacklogProgress.grouped(999) == "999")
        #expect(BacklogProgress.grouped(1_000) == "1,000")
        #expect(BacklogProgress.grouped(1_234_567) == "1,234,567")
        #expect(BacklogProgress.grouped(-12_345) == "-12,345")
    }
}
