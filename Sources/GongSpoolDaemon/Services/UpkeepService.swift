import Foundation
import GongSpoolCore
import Logging
import ServiceLifecycle

/// The state's and the archive's retention, at the start and every hour: archived files of
/// delivered recordings older than `archive.retentionDays` go (``ArchiveRetention``), and the
/// history of recordings finished more than `state.historyDays` ago is pruned (their rows stay,
/// so a re-export is still recognised). The archive's size and oldest file are kept for `status`.
/// Erasures (`gongspool erase`) whose files this spool holds are finished soon after they are
/// asked for on any node (every ``erasureCheckSeconds``, ``ErasureJob/finishPending()``: a
/// partial index makes the look free when there are none).
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
        var problem: String?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // The same file that cannot be deleted, or the same error, is said once, not every look.
            let found = await finishErasures()
            if found != problem, let found { logger.warning("an erasure could not be finished; tried again", metadata: ["problem": "\(found)"]) }
            problem = found
            if clock.now() >= nextRound {
                await round()
                nextRound = clock.now().addingTimeInterval(Self.intervalSeconds)
            }
            let until = clock.now().addingTimeInterval(erasureCheckSeconds)
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(until: until) }
            } catch {
                return
            }
        }
    }

    /// Deletes the files of recordings erased on request that this spool holds, and leaves
    /// their tombstones; returns what keeps one from being finished, if anything.
    func finishErasures() async -> String? {
        do {
            let job = ErasureJob(store: store, spool: config.spool, countryCode: config.privacy.countryCode, clock: clock)
            let finished = try await job.finishPending()
            if finished.erased > 0 {
                var metadata: Logger.Metadata = ["recordings": "\(finished.erased)", "files": "\(finished.filesDeleted)"]
                if !finished.filesLeft.isEmpty { metadata["left"] = "\(finished.filesLeft.joined(separator: "; "))" }
                logger.info("recordings erased on request: files deleted, tombstones left", metadata: metadata)
            }
            return finished.pendingHere.isEmpty ? nil : finished.filesLeft.joined(separator: "; ")
        } catch {
            return "\(error)"
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
