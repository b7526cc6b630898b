import Foundation
import GongSpoolCore
import Logging
import ServiceLifecycle

/// The state's and the archive's retention, at the start and every hour: archived files of
/// delivered recordings older than `archive.retentionDays` go (``ArchiveRetention``), and the
/// history of recordings finished more than `state.historyDays` ago is pruned (their rows stay,
/// so a re-export is still recognised). The archive's size and oldest file are kept for `status`.
struct UpkeepService: Service, CustomStringConvertible {
    var description: String { "UpkeepService" }

    let config: Configuration
    let store: any StateStore
    let clock: any WallClock
    let logger: Logger

    /// Time between two rounds.
    static let intervalSeconds = 3600.0

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await round()
            let until = clock.now().addingTimeInterval(Self.intervalSeconds)
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(until: until) }
            } catch {
                return
            }
        }
    }

    /// One round; a failure is logged and tried again at the next.
    func round() async {
        if config.spool.afterUpload == .archive, let archive = config.spool.archiveDirectory, !archive.isEmpty {
            do {
                let retention = ArchiveRetention(root: archive, retentionDays: config.archive.retentionDays, store: store, clock: clock)
                let outcome = try await retention.sweep()
                if !outcome.deleted.isEmpty {
                    logger.info(
                        "archived recordings past archive.retentionDays deleted",
                        metadata: ["files": "\(outcome.deleted.count)", "retentionDays": "\(Bounded.text(config.archive.retentionDays))"])
                }
            } catch {
                logger.warning("the archive could not be swept; tried again in an hour", metadata: ["error": "\(error)"])
            }
        }
        guard config.state.historyDays > 0 else { return }
        do {
            let cutoff = clock.now().addingTimeInterval(-config.state.historyDays * 86_400)
            let result = try await store.prune(finishedBefore: cutoff, all: false)
            if result.transitions > 0 {
                logger.info(
                    "history of finished recordings past state.historyDays pruned",
                    metadata: ["lines": "\(result.transitions)", "historyDays": "\(Bounded.text(config.state.historyDays))"])
            }
        } catch {
            logger.warning("the history could not be pruned; tried again in an hour", metadata: ["error": "\(error)"])
        }
    }
}
