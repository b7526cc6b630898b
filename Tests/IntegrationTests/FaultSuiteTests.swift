import Foundation
import GongSimulator
import GongSpoolCore
import GongSpoolDaemon
import GongSpoolSQLite
import TestSupport
import Testing

/// Gong misbehaving in the ways the network and the API do: 429 storms, resets in the middle of
/// an upload, answers slower than the timeouts, a Gong that is down for a while. Every run ends
/// with one call per recording and byte-identical media. (401, 409 users, duplicate answers and
/// 5xx bursts are in ``DeliveryTests``.)
@Suite struct FaultSuiteTests {
    @Test func aRateLimitStormNeverGetsARequestInBeforeRetryAfter() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let hashes = try h.addBacklog(count: 6, prefix: "storm")
        var options = SimulatorOptions()
        options.requestsPerSecond = 3  // Gong's limit
        options.forced429Count = 3  // and a storm on top
        options.forcedRetryAfterSeconds = 1
        // GongSpool configured far too fast (50/s): only Gong's 429s hold it back. One worker, so
        // no request is already on the wire when a 429 arrives (that one cannot be recalled).
        let snapshot = try await h.drain(options) { $0.gong.maxConcurrentUploads = 1 }
        #expect(snapshot.exactlyOnceProblems(hashes).isEmpty, "\(snapshot.exactlyOnceProblems(hashes))")
        let limited = snapshot.requests.filter { $0.status == 429 }.count
        #expect(limited >= 3)
        #expect(snapshot.earlyRequests == 0, "requests before Retry-After elapsed: \(snapshot.earlyRequests) of \(snapshot.requests.count)")
    }

    @Test func resetsInTheMiddleOfAnUploadAreRetriedToIdenticalMedia() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let hashes = try h.addBacklog(count: 10, prefix: "reset")
        var options = SimulatorOptions()
        options.requestsPerSecond = 0
        options.resetMidUploadRate = 0.5
        options.seed = 11
        let snapshot = try await h.drain(options)
        #expect(snapshot.exactlyOnceProblems(hashes).isEmpty, "\(snapshot.exactlyOnceProblems(hashes))")
        #expect(snapshot.requests.contains { $0.method == "PUT" && $0.status == 0 }, "some uploads were cut off")
        #expect(snapshot.callsWithoutMedia.isEmpty)
    }

    @Test func answersSlowerThanTheTimeoutNeverDuplicateACall() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let hashes = try h.addBacklog(count: 4, prefix: "slow")
        var options = SimulatorOptions()
        options.requestsPerSecond = 0
        options.latencyMilliseconds = 1500  // committed, then answered after the client gave up
        options.latencyRequestCount = 4
        let snapshot = try await h.drain(options) { $0.gong.readTimeoutSeconds = 0.5 }
        #expect(snapshot.exactlyOnceProblems(hashes).isEmpty, "\(snapshot.exactlyOnceProblems(hashes))")
        let posts = snapshot.requests.filter { $0.method == "POST" }
        #expect(posts.contains { $0.status == 400 }, "timed-out creates were resolved by Gong's duplicate answer")
        #expect(snapshot.callsWithoutMedia.isEmpty)
    }

    @Test func aGongThatIsDownForAWhileIsWaitedFor() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let hashes = try h.addBacklog(count: 4, prefix: "down")
        // A free port with nothing listening on it, one no outgoing connection may borrow meanwhile.
        let down = try await GongSimulator.withRunning(port: try QuietPort.free()) { sim in sim }
        let snapshot = try await withThrowingTaskGroup(of: SimulatorSnapshot?.self) { group in
            group.addTask {
                let result = try await h.runOnce(down) { $0.gong.connectTimeoutSeconds = 0.5 }
                #expect(result == .drained)
                return nil
            }
            group.addTask {
                try await Task.sleep(for: .seconds(2))
                return try await GongSimulator.withRunning(port: down.port) { sim in
                    // Serve until the daemon has delivered everything.
                    while await sim.state.snapshot().calls.values.filter({ $0.mediaSHA256 != nil }).count < hashes.count {
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    try await Task.sleep(for: .milliseconds(300))
                    return await sim.state.snapshot()
                }
            }
            var result: SimulatorSnapshot?
            for try await value in group { if let value { result = value } }
            return try #require(result)
        }
        #expect(snapshot.exactlyOnceProblems(hashes).isEmpty, "\(snapshot.exactlyOnceProblems(hashes))")
        let store = try SQLiteStateStore.open(path: h.database)
        let history = try await store.recordings()
        #expect(history.allSatisfy { $0.state == .done })
    }
}
