import Foundation
import Logging
import ServiceLifecycle

/// A node's part in the fleet (PostgreSQL only): every third of a lease it tells the fleet it is
/// alive and renews the leases of the recordings it works on; when the daemon stops, after the
/// delivery workers finished (it is the group's first service, so it ends last), it leaves: its
/// name is free and its leases are given up at once rather than after they run out.
struct FleetService: Service, CustomStringConvertible {
    let store: any StateStore
    let queue: DeliveryQueue
    let leaseSeconds: Double
    let logger: Logger

    var description: String { "FleetService" }

    func run() async throws {
        let interval = Duration.milliseconds(Int64(max(0.2, leaseSeconds / 3) * 1000))
        var failing = false
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                do {
                    try await store.heartbeat()
                    let lost = try await queue.renewLeases()
                    if !lost.isEmpty {
                        logger.warning("leases lost: another node took these recordings over", metadata: ["rows": "\(lost.sorted())"])
                    }
                    if failing {
                        failing = false
                        logger.info("the fleet's database answers again")
                    }
                } catch {
                    if !failing {
                        logger.error("cannot reach the fleet's database; leases run out if this lasts", metadata: ["error": "\(error)"])
                    }
                    failing = true
                }
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            }
        } onGracefulShutdown: {}
        // The group is ending: the workers before it in the shutdown order are done.
        do {
            try await store.leave()
        } catch {
            logger.warning("could not tell the fleet this node stopped; its leases run out by themselves", metadata: ["error": "\(error)"])
        }
    }
}
