import Foundation
import GongSpoolCore
import Logging
import ServiceLifecycle

/// Tells systemd how the daemon is doing: `READY=1` once started (and again after a reload),
/// `STATUS=` with queue counts, `WATCHDOG=1` at half the watchdog interval (at least every 5 s)
/// — but only while the intake and delivery loops turn, so a wedged daemon is restarted —,
/// `STOPPING=1` when the process ends (a reload is announced by ``ReloadService`` as
/// `RELOADING=1` instead). On the same beat it samples the state-store gauges for the metrics
/// and follows the backlogs: a progress line every `log.progressSeconds` while recordings are
/// examined or delivered, one line when a backlog is finished.
struct NotifyService: Service, CustomStringConvertible {
    let notifier: SystemdNotifier
    let store: any StateStore
    let gate: RequestGate
    let health: DaemonHealth
    let clock: any WallClock
    /// `log.progressSeconds`.
    let progressSeconds: Double
    /// Set when the group is ending for a reload (then the process goes on).
    let reloading: ReloadFlag
    let logger: Logger

    var description: String { "NotifyService" }

    /// A loop that has not turned for this long stops the watchdog pings.
    var stallLimit: TimeInterval {
        max(30, notifier.watchdogInterval.map { Double($0.components.seconds) } ?? 60)
    }

    func run() async throws {
        notifier.notify("READY=1")
        // Progress lines come on this beat too: no rarer than they are asked for.
        let progressBeat = progressSeconds > 0 ? Bounded.duration(seconds: max(1, progressSeconds)) : .seconds(5)
        let interval = min(notifier.watchdogInterval.map { $0 / 2 } ?? .seconds(5), .seconds(5), progressBeat)
        var reportedStall: [String] = []
        var progress = BacklogProgress(interval: progressSeconds)
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let stalled = await health.stalled(limit: stallLimit)
                var lines: [String] = []
                if stalled.isEmpty { lines.append("WATCHDOG=1") }
                if let status = try? await statusLine(&progress) {
                    lines.append("STATUS=" + (stalled.isEmpty ? status : "STALLED (\(stalled.joined(separator: ", "))): " + status))
                }
                if stalled != reportedStall, !stalled.isEmpty {
                    logger.critical(
                        "a loop stopped turning; the systemd watchdog will restart the daemon",
                        metadata: ["loops": "\(stalled.joined(separator: ", "))"])
                }
                reportedStall = stalled
                notifier.notify(lines.joined(separator: "\n"))
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            }
        } onGracefulShutdown: {
            if reloading.isSet {
                notifier.notify("STATUS=reloading: finishing requests in flight")
            } else {
                notifier.notify("STOPPING=1\nSTATUS=stopping: finishing requests in flight")
            }
        }
    }

    /// Samples the gauges, advances `progress` (logging what it says) and returns `STATUS=`'s text.
    private func statusLine(_ progress: inout BacklogProgress) async throws -> String {
        let now = clock.now()
        let counts = try await store.countsByState()
        let facts = try await store.queueFacts()
        let used = try await store.dailyUsage(day: ISOTimestamp.utcDay(now))
        let limit = await gate.limit
        let rate = await gate.requestsPerSecond
        let drain = StatusReport.drainEstimate(needed: facts.requestsNeeded, usedToday: used, dailyLimit: limit, requestsPerSecond: rate, now: now)
        let halted = await gate.halted
        let skipped = try await store.skippedForContent(day: ISOTimestamp.utcDay(now))
        DaemonMetrics.sample(
            counts: counts, budgetUsed: used, budgetLimit: limit,
            oldestWaitingAge: facts.oldestQueuedSince.map { now.timeIntervalSince($0) },
            requestsNeeded: facts.requestsNeeded, drainSeconds: drain, halted: halted != nil, skippedToday: skipped,
            lastSuccess: facts.lastSuccess)
        if let fleet = try await store.fleetStatus(now: now) { DaemonMetrics.fleet(fleet) }
        // The estimate an admin waits on counts the recordings still being examined too.
        let withPending = StatusReport.drainEstimate(
            needed: StatusReport.requestsIncludingPending(facts.requestsNeeded, counts: counts), usedToday: used, dailyLimit: limit,
            requestsPerSecond: rate, now: now)
        for note in progress.observe(counts, now: now, drainSeconds: halted == nil ? withPending : nil) {
            logger.info("\(note.message)")
        }
        let queued = (counts[.ready] ?? 0) + (counts[.waiting] ?? 0) + (counts[.created] ?? 0)
        let active = (counts[.creating] ?? 0) + (counts[.uploading] ?? 0)
        var line = progress.intakeStatus.map { $0 + "; " } ?? ""
        line += "\(queued) queued, \(active) uploading, \(counts[.held] ?? 0) held, \(counts[.done] ?? 0) done"
        if let missing = counts[.missing], missing > 0 { line += ", \(missing) missing in Gong" }
        if let halted {
            line += "; SENDING HALTED: \(halted)"
        } else if withPending > 0 {
            line += "; about \(StatusReport.duration(withPending)) to go"
        }
        return line
    }
}
