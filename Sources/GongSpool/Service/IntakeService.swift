import Logging
import ServiceLifecycle

/// Polls the spool every `interval` seconds until shutdown.
struct IntakeService: Service, CustomStringConvertible {
    var description: String { "IntakeService" }

    let intake: SpoolIntake
    let interval: Double
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await intake.poll()
            } catch {
                logger.error("spool poll failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(Int64(interval * 1000))) }
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
