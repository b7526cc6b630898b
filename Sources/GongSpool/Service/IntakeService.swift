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
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                await health.beat(SpoolIntake.loopName)
                var settling = 0
                do {
                    settling = try await intake.poll().settling
                } catch {
                    logger.error("spool poll failed", metadata: ["error": "\(error)"])
                }
                await afterPoll()
                // With inotify, pairs that are settling are looked at again as soon as they may
                // have settled (a cheap re-stat of the waiting files), not at the next poll.
                var wait = interval
                #if canImport(Glibc)
                if watcher != nil, settling > 0 { wait = min(interval, max(0.05, settle / 2)) }
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
