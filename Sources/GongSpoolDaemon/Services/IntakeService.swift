import GongSpoolCore
import Logging
import ServiceLifecycle

/// Polls the spool every `interval` seconds until shutdown. With a ``SpoolWatcher`` it also
/// polls as soon as inotify reports a change, and keeps looking at settling pairs every half
/// settle time, so a finished recording is taken after the settle time rather than the next poll.
struct IntakeService: Service, CustomStringConvertible {
    var description: String { "IntakeService" }

    let intake: SpoolIntake
    let interval: Double
    let settle: Double
    #if canImport(Glibc)
        let watcher: SpoolWatcher?
    #endif
    let health: DaemonHealth
    /// Told after every poll (idle delivery workers are woken there, not by a timer).
    let afterPoll: @Sendable () async -> Void
    let logger: Logger

    /// The longest wait after failed polls.
    static let maxFailureBackoffSeconds = 60.0

    func run() async throws {
        let wakeup = Wakeup()
        await withDiscardingTaskGroup { group in
            #if canImport(Glibc)
                if let watcher {
                    group.addTask {
                        for await event in watcher.events {
                            if event == .overflow {
                                logger.warning("inotify queue overflowed; listing the whole spool")
                                await intake.requestFullRescan()
                            }
                            await wakeup.signal()
                        }
                    }
                }
            #endif
            var failureBackoff = 0.0
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                await health.beat(SpoolIntake.loopName)
                var settling = 0
                do {
                    settling = try await intake.poll().settling
                    failureBackoff = 0
                } catch {
                    // The state cannot be written, say: wait longer after each failure (up to a
                    // minute), never poll into the same error every interval.
                    failureBackoff = failureBackoff == 0 ? interval : min(failureBackoff * 2, Self.maxFailureBackoffSeconds)
                    logger.error(
                        "spool poll failed; waiting before the next poll",
                        metadata: ["error": "\(error)", "retryInSeconds": "\(Bounded.text(failureBackoff))"])
                }
                await afterPoll()
                // With inotify, pairs that are settling are looked at again as soon as they may
                // have settled (a cheap re-stat of the waiting files), not at the next poll.
                var wait = max(interval, failureBackoff)
                #if canImport(Glibc)
                    if watcher != nil, settling > 0, failureBackoff == 0 { wait = min(interval, max(0.05, settle / 2)) }
                #endif
                let seconds = wait
                await health.rest(SpoolIntake.loopName, seconds: seconds + 1)
                _ = await cancelWhenGracefulShutdown { await wakeup.wait(seconds: seconds) }
            }
            await health.retire(SpoolIntake.loopName)
            #if canImport(Glibc)
                watcher?.stop()
            #endif
            group.cancelAll()
        }
    }
}

/// Runs the delivery workers until shutdown: no new recording is started once shutdown
/// begins; the ones in flight finish their current step.
struct DeliveryService: Service, CustomStringConvertible {
    var description: String { "DeliveryService" }

    let workers: DeliveryWorkers

    func run() async throws {
        await workers.run(untilIdle: false, shouldStop: { Task.isShuttingDownGracefully })
    }
}
