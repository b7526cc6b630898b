import Foundation
import Logging
import ServiceLifecycle

/// Tells systemd how the daemon is doing: `READY=1` once started, `STATUS=` with queue counts,
/// `WATCHDOG=1` at half the watchdog interval (at least every 5 s), `STOPPING=1` on shutdown;
/// on the same beat it samples the state-store gauges for the metrics.
struct NotifyService: Service, CustomStringConvertible {
    let notifier: SystemdNotifier
    let store: StateStore
    let gate: RequestGate
    let logger: Logger

    var description: String { "NotifyService" }

    func run() async throws {
        notifier.notify("READY=1")
        let interval = min(notifier.watchdogInterval.map { $0 / 2 } ?? .seconds(5), .seconds(5))
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                var message = "WATCHDOG=1"
                if let status = try? await statusLine() { message += "\nSTATUS=\(status)" }
                notifier.notify(message)
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            }
        } onGracefulShutdown: {
            notifier.notify("STOPPING=1\nSTATUS=stopping: finishing requests in flight")
        }
    }

    private func statusLine() async throws -> String {
        let counts = try await store.countsByState()
        let facts = try await store.queueFacts()
        let used = try await store.dailyUsage(day: RequestGate.utcDay(Date()))
        let limit = await gate.limit
        let drain = StatusReport.drainEstimate(needed: facts.requestsNeeded, usedToday: used, dailyLimit: limit,
                                               requestsPerSecond: await gate.requestsPerSecond, now: Date())
        DaemonMetrics.sample(counts: counts, budgetUsed: used, budgetLimit: limit,
                             oldestWaitingAge: facts.oldestQueuedSince.map { Date().timeIntervalSince($0) },
                             requestsNeeded: facts.requestsNeeded, drainSeconds: drain)
        let queued = (counts[.ready] ?? 0) + (counts[.waiting] ?? 0) + (counts[.created] ?? 0)
        let active = (counts[.creating] ?? 0) + (counts[.uploading] ?? 0)
        var line = "\(queued) queued, \(active) uploading, \(counts[.held] ?? 0) held, \(counts[.done] ?? 0) done"
        if let halted = await gate.halted { line += "; SENDING STOPPED: \(halted)" }
        return line
    }
}
