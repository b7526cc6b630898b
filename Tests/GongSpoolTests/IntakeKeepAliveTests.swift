import Foundation
import GongSpoolSQLite
import Logging
import TestSupport
import Testing

@testable import GongSpoolCore

/// Long work (hashing a backlog on NFS) keeps the watchdog fed while it moves, and only then.
@Suite struct IntakeKeepAliveTests {
    @Test func longWorkBeatsTheWatchdogWhileItMovesAndNotWhenItIsStuck() async throws {
        let spool = try TemporaryDirectory("spool")
        let state = try TemporaryDirectory("state")
        defer {
            spool.remove()
            state.remove()
        }
        let clock = ManualWallClock()
        let health = DaemonHealth(clock: clock)
        var config = Configuration()
        config.spool.directory = spool.path
        let intake = try SpoolIntake(
            config: config, store: try SQLiteStateStore.open(path: state.file("state.sqlite")), clock: clock,
            logger: Logger(label: "test"), health: health)
        await intake.setKeepAliveInterval(.milliseconds(10))
        let loop = SpoolIntake.loopName
        await health.beat(loop)
        clock.advance(120)
        #expect(await health.stalled(limit: 60) == [loop])

        // Work that moves (chunks hashed): the watchdog hears of it while it runs.
        let moving = WorkProgress()
        let beaten = try await intake.whileAlive(moving) {
            for _ in 0..<2_000 {
                moving.tick()
                if await health.stalled(limit: 60).isEmpty { return true }
                try await Task.sleep(for: .milliseconds(5))
            }
            return false
        }
        #expect(beaten, "the watchdog was fed during the work")

        // Work that does not move (a read stuck on a dead server): nothing is beaten.
        clock.advance(120)
        let stuck = WorkProgress()
        try await intake.whileAlive(stuck) { try await Task.sleep(for: .milliseconds(200)) }
        #expect(await health.stalled(limit: 60) == [loop], "a stuck read beats nothing")
    }
}
