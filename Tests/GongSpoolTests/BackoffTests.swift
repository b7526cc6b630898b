import GongSpoolCore
import Testing

/// ``Backoff``: the table in its doc comment, at both ends of the jitter.
@Suite struct BackoffTests {
    @Test(arguments: [(1, 30.0, 30.0), (2, 30.0, 60.0), (3, 30.0, 120.0), (5, 30.0, 480.0), (8, 30.0, 3600.0), (40, 30.0, 3600.0)])
    func theDocumentedTable(attempt: Int, low: Double, high: Double) {
        #expect(Backoff.delay(attempt: attempt, initial: 30, maximum: 3600, unit: 0) == low)
        #expect(Backoff.delay(attempt: attempt, initial: 30, maximum: 3600, unit: 0.999_999_999) <= high)
        #expect(Backoff.delay(attempt: attempt, initial: 30, maximum: 3600, unit: 0.999_999_999) > high * 0.99)
    }

    @Test func outOfRangeInputsStayInBounds() {
        #expect(Backoff.delay(attempt: 0, initial: 30, maximum: 3600, unit: 0.5) == 30)
        #expect(Backoff.delay(attempt: -3, initial: 30, maximum: 3600, unit: 2) == 30)
        #expect(Backoff.delay(attempt: Int.max, initial: 30, maximum: 3600, unit: 7) == 3600)
        #expect(Backoff.delay(attempt: 3, initial: 100, maximum: 50, unit: 0.5) == 50, "a floor above the ceiling is capped")
        #expect(Backoff.delay(attempt: 4, initial: 1, maximum: 100, unit: 0.5) == 4.5)
    }
}
