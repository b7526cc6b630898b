import Foundation
import GongSpoolCore
import Logging
import ServiceLifecycle

/// Once a day (`gong.reconcile: true`), checks that Gong lists the calls delivered over the last
/// week (leaving calls of the last hours to Gong's processing). The day is counted from the last
/// run kept in the state store, so restarts do not repeat it.
public struct ReconcileService: Service, CustomStringConvertible {
    public var description: String { "ReconcileService" }

    let reconciler: Reconciler
    /// At most this many requests per run (the rest waits for the next day).
    let maxRequests: Int

    /// Runs `reconciler` daily, spending at most `maxRequests` a run.
    public init(reconciler: Reconciler, maxRequests: Int) {
        self.reconciler = reconciler
        self.maxRequests = maxRequests
    }

    /// Time between two runs.
    public static let intervalSeconds = 86_400.0

    public func run() async throws {
        let store = reconciler.store
        let clock = reconciler.clock
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var wait = 3600.0
            do {
                let last = try await store.meta(.lastReconciliationAt).flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
                let now = clock.now()
                if last.map({ now.timeIntervalSince($0) >= Self.intervalSeconds }) ?? true {
                    try await reconciler.run(
                        since: now.addingTimeInterval(-Reconciler.defaultLookbackDays * 86_400),
                        graceSeconds: Reconciler.defaultGraceHours * 3600, maxRequests: maxRequests)
                } else if let last {
                    wait = min(wait, max(60, Self.intervalSeconds - now.timeIntervalSince(last)))
                }
            } catch is CancellationError {
                return
            } catch let failure as Reconciler.Failure {
                // A key without the read scope does not gain it in an hour: tried again tomorrow.
                let forbidden = if case .forbidden = failure { true } else { false }
                wait = forbidden ? Self.intervalSeconds : 3600
                await record(failure, nextRunSoon: !forbidden)
            } catch {
                await record(error, nextRunSoon: true)
            }
            let until = clock.now().addingTimeInterval(wait)
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(until: until) }
            } catch {
                return
            }
        }
    }

    /// Logs a failed run and shows it in `status` (as the last reconciliation); a run that is not
    /// to be repeated soon counts as the day's run.
    private func record(_ error: any Error, nextRunSoon: Bool) async {
        let now = reconciler.clock.now()
        reconciler.logger.error(
            "reconciliation with Gong failed",
            metadata: [
                "error": "\(error)", "next": "\(nextRunSoon ? "in an hour" : "in a day")",
            ])
        try? await reconciler.store.setMeta(.lastReconciliation, ISOTimestamp.format(now) + " failed: \(error)")
        if !nextRunSoon { try? await reconciler.store.setMeta(.lastReconciliationAt, String(now.timeIntervalSince1970)) }
    }
}
