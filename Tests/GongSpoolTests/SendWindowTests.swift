import Foundation
import GongSpoolCore
import Testing

/// The fleet's send window, on the ages of the sends it recorded.
@Suite struct SendWindowTests {
    /// 2.7 requests a second: two per 0.80 s, 0.37 s apart.
    let window = SendWindow(count: 2, seconds: 0.8, spacing: 0.37)

    @Test func requestsKeepTheirSpacingEvenWhenTheCountAllowsThem() {
        #expect(window.wait(newestAged: nil, countthAged: nil) == 0)
        #expect(abs(window.wait(newestAged: 0.05, countthAged: nil) - 0.32) < 1e-9, "one send 50 ms ago: the next waits for the spacing")
        #expect(window.wait(newestAged: 0.4, countthAged: nil) == 0)
    }

    @Test func twoPairsBackToBackCannotPutFourRequestsInOneSecond() {
        // After a pause every node waited out, two requests left together 0.8 s ago: the count
        // alone would let two more leave now (four within 0.8 s); the spacing stops the second.
        #expect(window.wait(newestAged: 0.8, countthAged: 0.8) == 0)
        #expect(abs(window.wait(newestAged: 0.0, countthAged: 0.8) - 0.37) < 1e-9)
        #expect(abs(window.wait(newestAged: 0.4, countthAged: 0.5) - 0.3) < 1e-9, "two in the last 0.8 s: wait for the older to leave the window")
    }
}
