import Foundation
import Logging
import ServiceLifecycle

/// Tells systemd how the daemon is doing: `READY=1` once started, `STATUS=` with queue counts,
/// `WATCHDOG=1` at half the watchdog interval, `STOPPING=1` on shutdown.
struct NotifyService: Service, CustomStringConvertible {
    let notifier: SystemdNotifier
    let store: StateStore
    let gate: RequestGate
    let logger: Logger

    var description: String { "NotifyService" }

    func run() async throws {
        notifier.notify("READY=1")
        let interval = notifier.watchdogInterval.map { $0 / 2 } ?? .seconds(10)
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
        let queued = (counts[.ready] ?? 0) + (counts[.waiting] ?? 0) + (counts[.created] ?? 0)
        let active = (counts[.creating] ?? 0) + (counts[.uploading] ?? 0)
        var line = "\(queued) queued, \(active) uploading, \(counts[.held] ?? 0) held, \(counts[.done] ?? 0) done"
        if let halted = await gate.halted { line += "; SENDING STOPPED: \(halted)" }
        return line
    }
}
