import Foundation
import GongSpoolCore
import Logging
import ServiceLifecycle

/// The state's and the archive's retention, at the start and every hour: archived files of
/// delivered recordings older than `archive.retentionDays` go (``ArchiveRetention``), and the
/// history of recordings finished more than `state.historyDays` ago is pruned (their rows stay,
/// so a re-export is still recognised). The archive's size and oldest file are kept for `status`.
/// Erasures (`gongspool erase`) whose files this spool holds are finished at each round, and
/// soon after a new erasure on any node (``erasureCheckSeconds``, ``ErasureJob/finishPending()``).
struct UpkeepService: Service, CustomStringConvertible {
    var description: String { "UpkeepService" }

    let config: Configuration
    let store: any StateStore
    let clock: any WallClock
    let logger: Logger

    /// Time between two rounds.
    static let intervalSeconds = 3600.0
    /// Time between two looks for a new erasure. A single node's `erase` finishes its own
    /// erasures, so a minute catches what a crash left; in a fleet, another node's erasure is
    /// this spool's to finish: every poll interval (1 s to a minute).
    var erasureCheckSeconds: Double { config.state.isPostgres ? min(60, max(1, config.spool.pollIntervalSeconds)) : 60 }

    func run() async throws {
        var nextRound = Date.distantPast
        var erasuresSeen: Int?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let erasures = try? await store.erasures().count
            if clock.now() >= nextRound {
                await round()
                nextRound = clock.now().addingTimeInterval(Self.intervalSeconds)
            } else if erasures != erasuresSeen {
                await finishErasures()
            }
            erasuresSeen = erasures
            let until = clock.now().addingTimeInterval(erasureCheckSeconds)
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(until: until) }
            } catch {
                return
            }
        }
    }

    /// Deletes the files of recordings erased on request that this spool holds, and leaves
    /// their tombstones.
    func finishErasures() async {
        do {
            let job = ErasureJob(store: store, spool: config.spool, countryCode: config.privacy.countryCode, clock: clock)
            let finished = try await job.finishPending()
            if finished.erased > 0 || !finished.filesLeft.isEmpty {
                logger.info(
                    "recordings erased on request: files deleted, tombstones left",
                    metadata: [
                        "recordings": "\(finished.erased)", "files": "\(finished.filesDeleted)",
                        "left": "\(finished.filesLeft.joined(separator: "; "))",
                    ])
            }
        } catch {
            logger.warning("erasures could not be finished; tried again at the next round", metadata: ["error": "\(error)"])
        }
    }

    /// One round; a failure is logged and tried again at the next.
    func round() async {
        await finishErasures()
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
