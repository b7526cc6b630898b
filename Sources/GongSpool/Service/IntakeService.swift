import Logging
import ServiceLifecycle

/// Polls the spool every `interval` seconds until shutdown. With a ``SpoolWatcher`` it also
/// polls as soon as inotify reports a change, and once more when that file should have
/// settled, so a finished recording is taken after the settle time rather than the next poll.
struct IntakeService: Service, CustomStringConvertible {
    var description: String { "IntakeService" }

    let intake: SpoolIntake
    let interval: Double
    let settle: Double
    #if canImport(Glibc)
    let watcher: SpoolWatcher?
    #endif
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
            var settleCheck: ContinuousClock.Instant?
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                do {
                    try await intake.poll()
                } catch {
                    logger.error("spool poll failed", metadata: ["error": "\(error)"])
                }
                var wait = interval
                if let due = settleCheck {
                    wait = min(wait, max(0, Double((due - .now).components.seconds) + Double((due - .now).components.attoseconds) / 1e18))
                }
                let seconds = wait
                let woken = await cancelWhenGracefulShutdownOrNil { await wakeup.wait(seconds: seconds) }
                if woken == true {
                    // Look again once what changed should have settled.
                    settleCheck = .now + .milliseconds(Int64((settle + 0.05) * 1000))
                } else if let due = settleCheck, due <= .now {
                    settleCheck = nil
                }
            }
            #if canImport(Glibc)
            watcher?.stop()
            #endif
            group.cancelAll()
        }
    }
}

/// Runs `operation`, returning `nil` if graceful shutdown begins first.
func cancelWhenGracefulShutdownOrNil<T: Sendable>(_ operation: @escaping @Sendable () async -> T) async -> T? {
    try? await cancelWhenGracefulShutdown { await operation() }
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
