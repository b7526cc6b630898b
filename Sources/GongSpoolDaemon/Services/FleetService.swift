import Foundation
import GongSpoolCore
import Logging
import ServiceLifecycle

/// A node's part in the fleet (PostgreSQL only): every third of a lease it tells the fleet it is
/// alive and renews the leases of the recordings it works on; when the daemon stops, after the
/// delivery workers finished (it is the group's first service, so it ends last), it leaves: its
/// name is free and its leases are given up at once rather than after they run out.
struct FleetService: Service, CustomStringConvertible {
    let store: any FleetStore
    let queue: DeliveryQueue
    let leaseSeconds: Double
    let logger: Logger

    var description: String { "FleetService" }

    /// How often a node beats: a third of a lease, so two beats may be lost before it runs out.
    static func beatInterval(leaseSeconds: Double) -> Duration {
        Bounded.duration(seconds: max(0.2, leaseSeconds / 3))
    }

    /// One beat: the node is alive, and its leases are renewed; returns the leases it lost.
    func beat() async throws -> Set<Int64> {
        try await store.heartbeat()
        return try await queue.renewLeases()
    }

    func run() async throws {
        let interval = Self.beatInterval(leaseSeconds: leaseSeconds)
        var failing = false
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                do {
                    let lost = try await beat()
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
        } onGracefulShutdown: {
        }
        // The group is ending: the workers before it in the shutdown order are done.
        do {
            try await store.leave()
        } catch {
            logger.warning("could not tell the fleet this node stopped; its leases run out by themselves", metadata: ["error": "\(error)"])
        }
    }
}
