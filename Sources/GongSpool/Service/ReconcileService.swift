import Foundation
import ServiceLifecycle

/// Once a day (`gong.reconcile: true`), checks that Gong lists the calls delivered over the last
/// week (leaving calls of the last hours to Gong's processing). The day is counted from the last
/// run kept in the state store, so restarts do not repeat it.
struct ReconcileService: Service, CustomStringConvertible {
    var description: String { "ReconcileService" }

    let reconciler: Reconciler
    /// At most this many requests per run (the rest waits for the next day).
    let maxRequests: Int

    /// Time between two runs.
    static let intervalSeconds = 86_400.0

    func run() async throws {
        let store = reconciler.store
        let clock = reconciler.clock
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var wait = 3600.0
            do {
                let last = try await store.meta(.lastReconciliationAt).flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
                let now = clock.now()
                if last.map({ now.timeIntervalSince($0) >= Self.intervalSeconds }) ?? true {
                    try await reconciler.run(since: now.addingTimeInterval(-Reconciler.defaultLookbackDays * 86_400),
                                             graceSeconds: Reconciler.defaultGraceHours * 3600, maxRequests: maxRequests)
                } else if let last {
                    wait = min(wait, max(60, Self.intervalSeconds - now.timeIntervalSince(last)))
                }
            } catch is CancellationError {
                return
            } catch {
                reconciler.logger.error("reconciliation with Gong failed; trying again in an hour", metadata: ["error": "\(error)"])
            }
            let pause = wait
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(pause)) }
        }
    }
}
