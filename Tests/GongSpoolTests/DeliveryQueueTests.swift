import Foundation
import GongSpoolCore
import TestSupport
import Testing

/// ``DeliveryQueue`` over the in-memory queue role: one worker per recording, calls that
/// exist first, and one pick in four from the other end of the queue.
@Suite struct DeliveryQueueTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Ready recordings recorded at `mtimes` (older first), and one whose call exists.
    func queue(_ mtimes: [Int64]) async throws -> (DeliveryQueue, MemoryStore, resumed: Int64) {
        let store = MemoryStore()
        for (index, mtime) in mtimes.enumerated() {
            let files = Fingerprint(
                audioPath: "r\(index).wav", size: 1, mtimeNs: mtime, inode: 1, sidecarPath: nil, sidecarSize: nil, sidecarMtimeNs: nil)
            _ = try await store.insert(
                stem: "r\(index)", RecordingLifecycle(state: .ready, identity: Identity(clientUniqueId: "pbx:\(index)")),
                evidence: Evidence(fingerprint: files), now: now)
        }
        let resumed = try await store.insert(
            stem: "c", RecordingLifecycle(state: .created, identity: Identity(clientUniqueId: "pbx:c", callId: "7")),
            evidence: Evidence(), now: now)
        return (DeliveryQueue(store: store, clock: ManualWallClock(now), order: .newestFirst), store, try #require(resumed.id))
    }

    @Test func aCallThatExistsGoesFirstThenTheNewestWithEveryFourthFromTheOtherEnd() async throws {
        let (queue, _, resumed) = try await queue([1, 2, 3, 4, 5, 6, 7, 8])
        var picked: [Int64] = []
        while let row = try await queue.claim(), let id = row.id { picked.append(id) }
        // Rows 1…8 by mtime; the resumed call first, then 8, 7, 6, (1: the other end), 5, 4, 3, (2).
        #expect(picked == [resumed, 8, 7, 6, 1, 5, 4, 3, 2], "\(picked)")
        #expect(await queue.inFlight == 9)
        await queue.release(resumed)
        #expect(try await queue.claim()?.id == resumed, "a released row is due again")
    }
}
