import Foundation
import Testing

@testable import GongSimulator

/// The simulator's "3 requests in any second", judged by when requests arrived, in whatever
/// order a busy test process gets round to admitting them.
@Suite struct SimulatorRateTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    @Test func aFourthArrivalInsideOneSecondIsRefused() {
        let accepted = [at(0), at(0.4), at(0.8)]
        #expect(SimulatorState.overfills(accepted, with: at(0.9), limit: 3))
        #expect(!SimulatorState.overfills(accepted, with: at(1.0), limit: 3), "0.4, 0.8, 1.0: three in the last second")
    }

    @Test func arrivalsAdmittedOutOfOrderAreJudgedByWhenTheyArrived() {
        // 0.0, 0.8 and 1.5 are in; 0.9 is admitted last. No one-second window holds four.
        #expect(!SimulatorState.overfills([at(0), at(0.8), at(1.5)], with: at(0.9), limit: 3))
        // A late admission that does make four within a second is refused.
        #expect(SimulatorState.overfills([at(0.1), at(0.5), at(0.9)], with: at(0.3), limit: 3))
    }
}
