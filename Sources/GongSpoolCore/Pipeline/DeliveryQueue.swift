import Foundation
import Logging
import ServiceLifecycle

/// Hands due recordings to workers, one worker per recording at a time. The queue itself
/// lives in the state store; this actor only tracks which rows are being worked on in this
/// process (in a fleet, the store leases them to this node).
///
/// Order: recordings whose call already exists in Gong first (a request was spent on them), then
/// `spool.order`; one pick in ``fairnessPeriod`` takes the other end of the queue, so neither a
/// backfill nor a stream of new calls can starve the other.
public actor DeliveryQueue {
    /// Every this many picks, one comes from the other end of the queue.
    public static let fairnessPeriod = 4

    private let store: any QueueStore
    private let clock: any WallClock
    private let order: QueueOrder
    private var busy: Set<Int64> = []
    private var picks = 0
    /// Where idle workers wait.
    let work = WorkSignal()

    /// Creates the queue over `store`.
    public init(store: any QueueStore, clock: any WallClock, order: QueueOrder = .newestFirst) {
        self.store = store
        self.clock = clock
        self.order = order
    }

    /// Claims the next due recording, if any.
    public func claim() async throws -> Recording? {
        let order = (picks + 1) % Self.fairnessPeriod == 0 ? self.order.reversed : self.order
        guard let row = try await store.nextDue(now: clock.now(), excluding: busy, order: order), let id = row.id else { return nil }
        // Only new work counts towards the fairness rhythm (resumed calls always go first).
        if row.callId == nil && row.state == .ready { picks += 1 }
        guard busy.insert(id).inserted else { return nil }
        return row
    }

    /// Releases a claimed recording (and, in a fleet, its lease).
    public func release(_ id: Int64) async {
        busy.remove(id)
        do {
            try await store.releaseLease(id)
        } catch {
            // The lease runs out by itself; until then only this node picks the row up.
        }
    }

    /// Renews the leases of the recordings being worked on; returns those another node took over.
    public func renewLeases() async throws -> Set<Int64> {
        try await store.renewLeases(busy)
    }

    /// Rows being worked on.
    public var inFlight: Int { busy.count }

    /// Wakes idle workers if a recording is due (after a poll took new ones, or an operator
    /// command in another process queued one): one query per poll, not one per worker per tick.
    public func nudgeIfDue() async throws {
        if try await store.isDue(now: clock.now(), excluding: busy) {
            await work.signal()
        }
    }

    /// How long an idle worker may wait: until the next retry is due, at most `ceiling` seconds.
    func idleWait(ceiling: Double) async -> Double {
        guard let next = try? await store.nextRetryAt() else { return ceiling }
        return min(ceiling, max(0.05, next.timeIntervalSince(clock.now())))
    }
}

/// Runs `workers` delivery loops until cancelled, or — with `untilIdle` — until nothing is due.
/// Each loop reports its turns to the watchdog (``DaemonHealth``); a state store that keeps
/// failing is retried with backoff (0.5 s doubling to 30 s), not in a tight loop, and reported.
public struct DeliveryWorkers: Sendable {
    let queue: DeliveryQueue
    let delivery: RecordingDelivery
    let workers: Int
    let clock: any WallClock
    let health: DaemonHealth?
    let logger: Logger

    /// Longest wait after repeated state store errors.
    static let maxStoreBackoffSeconds = 30.0
    /// Longest idle wait without a nudge (a safety net; intake nudges after every poll).
    static let idleCeilingSeconds = 30.0

    /// Creates the worker pool.
    public init(
        queue: DeliveryQueue, delivery: RecordingDelivery, workers: Int, clock: any WallClock = SystemWallClock(),
        health: DaemonHealth? = nil, logger: Logger
    ) {
        self.queue = queue
        self.delivery = delivery
        self.workers = workers
        self.clock = clock
        self.health = health
        self.logger = logger
    }

    /// The watchdog's name for worker `index`.
    static func loopName(_ index: Int) -> String { "delivery-\(index)" }

    /// Works until cancelled (idle workers look again every `idleSeconds`), or until nothing is due when `untilIdle`.
    public func run(untilIdle: Bool, idleSeconds: Double = 0.5, shouldStop: @escaping @Sendable () -> Bool = { false }) async {
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<max(1, workers) {
                group.addTask {
                    let name = Self.loopName(index)
                    await work(as: name, untilIdle: untilIdle, idleSeconds: idleSeconds, shouldStop: shouldStop)
                    await health?.retire(name)
                }
            }
        }
    }

    private func work(as name: String, untilIdle: Bool, idleSeconds: Double, shouldStop: @Sendable () -> Bool) async {
        var storeBackoff = 0.0
        var stepBackoff = 0.0
        while !Task.isCancelled && !shouldStop() {
            await health?.beat(name)
            let job: Recording?
            do {
                job = try await queue.claim()
                if storeBackoff > 0 {
                    storeBackoff = 0
                    await health?.storeRecovered()
                    logger.info("state store works again")
                }
            } catch {
                storeBackoff = storeBackoff == 0 ? idleSeconds : min(storeBackoff * 2, Self.maxStoreBackoffSeconds)
                await health?.storeFailed("\(error)")
                logger.error(
                    "state store error while claiming work; waiting before the next try",
                    metadata: ["error": "\(error)", "retryInSeconds": "\(storeBackoff)"])
                if untilIdle, await queue.inFlight == 0 { return }
                await health?.rest(name, seconds: storeBackoff + 1)
                let until = clock.now().addingTimeInterval(storeBackoff)
                try? await cancelWhenGracefulShutdown { try await clock.sleep(until: until) }
                continue
            }
            guard let job, let id = job.id else {
                if untilIdle, await queue.inFlight == 0 { return }
                // Idle: wait for intake's nudge or the next retry, not a timer.
                let wait = untilIdle ? idleSeconds : await queue.idleWait(ceiling: Self.idleCeilingSeconds)
                await health?.rest(name, seconds: wait + 1)
                // A shutdown or reload does not wait for the idle wait to run out.
                _ = await cancelWhenGracefulShutdown { await queue.work.wait(seconds: wait) }
                continue
            }
            do {
                try await delivery.deliver(job, as: name)
                stepBackoff = 0
            } catch is RequestGate.Refusal {
                await queue.release(id)
                if untilIdle { return }
                await health?.rest(name, seconds: 3)
                try? await clock.sleep(until: clock.now().addingTimeInterval(2))
                try? await delivery.resumeIfReleased()
                continue
            } catch is CancellationError {
                await queue.release(id)
                return
            } catch StoreError.refused(_, let refusal) {
                // Someone else (an operator) moved the row meanwhile: it is theirs now.
                logger.info("recording moved by someone else; left alone", metadata: ["row": "\(id)", "refused": "\(refusal)"])
            } catch StoreError.leased(_, let node) {
                // This node's lease ran out and another node took the recording over.
                logger.warning("recording taken over by another node; left to it", metadata: ["row": "\(id)", "node": "\(node)"])
            } catch {
                // The state cannot be written (disk full, read-only, a file-size limit) or the
                // step failed otherwise: back off before the row is claimed again, never spin.
                stepBackoff = stepBackoff == 0 ? idleSeconds : min(stepBackoff * 2, Self.maxStoreBackoffSeconds)
                if let error = error as? StoreError { await health?.storeFailed("\(error)") }
                logger.error(
                    "delivery step failed; waiting before the next try",
                    metadata: ["error": "\(error)", "row": "\(id)", "retryInSeconds": "\(stepBackoff)"])
                await queue.release(id)
                if untilIdle, await queue.inFlight == 0 { return }
                await health?.rest(name, seconds: stepBackoff + 1)
                let until = clock.now().addingTimeInterval(stepBackoff)
                try? await cancelWhenGracefulShutdown { try await clock.sleep(until: until) }
                continue
            }
            await queue.release(id)
        }
    }
}
