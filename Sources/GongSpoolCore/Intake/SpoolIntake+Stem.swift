import Foundation
import Logging

extension SpoolIntake {
    /// Advances `groups` (stems of one directory, or re-stated ones), rows fetched together.
    func advance(_ groups: [String: PairGroup], summary: inout IntakeSummary) async throws {
        guard !groups.isEmpty else { return }
        // Most stems of a listed folder are long finished with unchanged files: settle those on
        // a light query, and read whole rows only for the rest.
        let (fresh, needed) = try await store.intakeConcerns(groups.mapValues(\.fingerprint))
        // Whatever needs nothing leaves the working set (which holds only what intake waits for).
        let concerned = Set(fresh).union(needed)
        for stem in trackedStems where groups[stem] != nil && !concerned.contains(stem) {
            untrack(stem)
        }
        // Stems seen for the first time are recorded together (a folder of a first start in one
        // transaction): nothing of them is sent before they settle, so nothing is lost if a crash
        // comes before the commit — the next poll sees them again.
        if !fresh.isEmpty {
            let states = try await record(fresh.sorted().compactMap { stem in groups[stem].map { (stem, $0) } })
            for (stem, state) in states { account(state, stem: stem, group: groups[stem], summary: &summary) }
        }
        guard !needed.isEmpty else { return }
        let rows = try await store.latestRows(stems: needed)
        for stem in needed.sorted() {
            guard let group = groups[stem] else { continue }
            let state = try await advance(stem: stem, group: group, row: rows[stem])
            account(state, stem: stem, group: group, summary: &summary)
        }
    }

    /// Counts what became of `stem` and keeps it in the working set while it is pending.
    private func account(_ state: RecordingState?, stem: String, group: PairGroup?, summary: inout IntakeSummary) {
        guard let group else { return }
        switch state {
        case .ready?, .created?: summary.becameReady += 1
        case .rejected?: summary.rejected += 1
        case .pending?:
            summary.pending += 1
            if group.isComplete, !stuck.contains(stem), !awaitingUsers.contains(stem) { summary.settling += 1 }
        default: break
        }
        track(stem, group, pending: state == .pending)
    }

    /// Advances one stem; returns the row's state afterwards when intake has to do with it.
    private func advance(stem: String, group: PairGroup, row: Recording?) async throws -> RecordingState? {
        let now = clock.now()
        let fingerprint = group.fingerprint
        guard let row, let id = row.id else {
            return try await record([(stem, group)]).first?.1
        }
        let changed = Fingerprint(row) != fingerprint
        switch row.lifecycle.state {
        case .done, .duplicate:
            guard changed else { return nil }
            // New files under a name already delivered: a recording of its own.
            _ = try await store.insert(
                stem: stem, .seen(reason: "new files under a name already delivered"),
                evidence: Evidence(fingerprint: fingerprint), now: now)
            return .pending
        case .pending, .rejected, .orphaned, .held(.intake), .skipped:
            // Skipped for the content (too short, silent) a re-export is looked at again; skipped
            // as backfill or for an unmapped user it is not.
            if case .skipped = row.lifecycle.state, !row.lifecycle.isContentFinding { return nil }
            if changed {
                // A pending row only records the files (settling starts again); the others are examined again.
                awaitingUsers.remove(stem)
                return try await apply(id, .filesChanged, evidence: Evidence(fingerprint: fingerprint, stableSince: now)).state
            }
            guard row.state == .pending else { return nil }
            let state = try await examine(row, id: id, stem: stem, group: group, now: now)
            if state != .pending { DaemonMetrics.examined(state) }
            return state
        default:
            return nil
        }
    }

    /// Runs `work` (a file being probed and hashed: seconds to minutes for a big one on NFS)
    /// while keeping the watchdog fed and, in a fleet, this node's intake lease renewed — every
    /// few seconds, as long as `progress` moves. A lease lost meanwhile (the database was
    /// unreachable for a lease) ends the poll after this file: another node has the spool.
    func whileAlive<T: Sendable>(_ progress: WorkProgress, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                await self.keepAlive(progress)
                return nil
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            throw CancellationError()
        }
    }

    private func keepAlive(_ progress: WorkProgress) async {
        var seen = progress.count
        while true {
            do { try await Task.sleep(for: keepAliveInterval) } catch { return }
            let now = progress.count
            guard now != seen else { continue }
            seen = now
            await health?.beat(Self.loopName)
            if (try? await store.mayRunIntake()) == false { intakeLeaseLost = true }
        }
    }

    /// Sets how often long work beats the watchdog and renews the intake lease (tests).
    func setKeepAliveInterval(_ interval: Duration) {
        keepAliveInterval = interval
    }

    /// Stems seen for the first time, recorded in one transaction; their states.
    private func record(_ stems: [(String, PairGroup)]) async throws -> [(String, RecordingState)] {
        let cutoff = backfillCutoff.map(Bounded.nanoseconds)
        let skipped = backfillCutoff.map {
            RecordingLifecycle.skipped(
                reason: "older than the backfill cutoff \(ISOTimestamp.format($0)) (spool.backfill); `gongspool retry` takes it")
        }
        let rows = stems.map { stem, group -> (String, RecordingLifecycle, Evidence) in
            let newest = max(group.audio.map(\.mtimeNs).max() ?? 0, group.sidecar?.mtimeNs ?? 0)
            let lifecycle: RecordingLifecycle =
                if let cutoff, let skipped, newest < cutoff { skipped } else { .seen(reason: group.waitingReason(stem: stem)) }
            return (stem, lifecycle, Evidence(fingerprint: group.fingerprint))
        }
        let inserted = try await store.insert(rows, now: clock.now())
        logger.debug("recordings seen", metadata: ["count": "\(inserted.count)"])
        return inserted.map { ($0.stem, $0.state) }
    }

    /// A `pending` stem with unchanged files: settled? complete? then probe, build, hash, claim.
    private func examine(_ row: Recording, id: Int64, stem: String, group: PairGroup, now: Date) async throws -> RecordingState {
        let quiet = now.timeIntervalSince(row.stableSince)
        guard quiet >= settings.settleSeconds else { return .pending }
        // Waiting for the user mapping: nothing to learn until it changes.
        if awaitingUsers.contains(stem) && row.lastErrorCode == .awaitingUsers { return .pending }
        let orphanAfter = settings.orphanAfterMinutes * 60
        guard let audio = group.audio.first, group.isComplete else {
            if quiet >= orphanAfter {
                return try await apply(id, .timedOut(.orphaned, reason: group.orphanReason(stem: stem)), stem: stem).state
            }
            let why = group.waitingReason(stem: stem)
            if row.reason != why { try await apply(id, .stillIncomplete(reason: why)) }
            return .pending
        }
        if group.audio.count > 1 {
            let names = group.audio.map(\.relativePath).joined(separator: ", ")
            return try await apply(id, .inputRejected(.ambiguousAudio, reason: "several audio files share one sidecar: \(names)"), stem: stem).state
        }
        try await refreshErasures()
        let evaluation = try await evaluateMarked(row, id: id, audio: audio, sidecar: group.sidecar, waitForCDR: quiet < orphanAfter)
        return try await settle(evaluation, row: row, id: id, stem: stem, audio: audio, sidecar: group.sidecar, quiet: quiet, now: now)
    }

    /// Evaluates the recording's files (untrusted bytes) with the examination marker committed
    /// around it: if they kill the process, the next start knows
    /// (``SpoolIntake/holdInterruptedExamination()``) and holds this recording if it already died
    /// on it once. A fleet node that lost its intake lease meanwhile stops here.
    private func evaluateMarked(_ row: Recording, id: Int64, audio: SpoolEntry, sidecar: SpoolEntry?, waitForCDR: Bool) async throws -> Evaluation {
        let evaluator = self.evaluator
        let (directory, cdr) = (self.directory, self.cdr)
        let waived = row.checksWaived
        let strikes = try await store.meta(.examiningStrikes).flatMap(ExaminationMarker.strikes(of: id)) ?? 0
        try await store.setMeta(.examining, ExaminationMarker(id: id, strikes: strikes, path: audio.relativePath).text)
        let evaluation: Evaluation
        let progress = WorkProgress()
        do {
            evaluation = try await whileAlive(progress) {
                try await BlockingIO.run {
                    evaluator.evaluate(
                        audio: audio, sidecar: sidecar, directory: directory, cdr: cdr, waitForCDR: waitForCDR,
                        checksWaived: waived, progress: progress)
                }
            }
        } catch {
            try? await store.setMeta(.examining, nil)
            throw error
        }
        try await store.setMeta(.examining, nil)
        if strikes > 0 { try await store.setMeta(.examiningStrikes, nil) }
        if intakeLeaseLost {
            intakeLeaseLost = false
            throw IntakeInterrupted.leaseLost
        }
        return evaluation
    }

    /// Records what the evaluation found: the recording stays pending, is parked with its
    /// reason, or is claimed under its clientUniqueId.
    private func settle(
        _ evaluation: Evaluation, row: Recording, id: Int64, stem: String, audio: SpoolEntry, sidecar: SpoolEntry?, quiet: Double, now: Date
    ) async throws -> RecordingState {
        let orphanAfter = settings.orphanAfterMinutes * 60
        switch evaluation {
        case .changed:
            try await store.observe(id, Evidence(stableSince: now), now: now)
            return .pending
        case .incomplete(let why):
            stuck.insert(stem)
            if quiet >= orphanAfter {
                let reason = "\(why), unchanged for \(Bounded.text((quiet / 60).rounded(.down))) minutes (truncated?)"
                return try await apply(id, .timedOut(.mediaIncomplete, reason: reason), stem: stem).state
            }
            if row.reason != why { try await apply(id, .stillIncomplete(reason: why)) }
            return .pending
        case .awaitingUsers(let why):
            awaitingUsers.insert(stem)
            if row.reason != why || row.lastErrorCode != .awaitingUsers {
                try await apply(id, .awaitingUsers(reason: why))
                logger.info("recording waits for the user mapping", metadata: ["stem": "\(stem)", "reason": "\(why)"])
            }
            return .pending
        case .rejected(let code, let reason):
            return try await apply(id, .inputRejected(code, reason: reason), stem: stem).state
        case .excluded(let reason):
            logger.info("recording excluded by the privacy policy; never sent", metadata: ["stem": "\(stem)", "reason": "\(reason)"])
            let row = try await apply(id, .inputSkipped(.excludedByPolicy, reason: reason), stem: stem)
            if excludedFiles == .delete { try await deleteExcluded(audio: audio, sidecar: sidecar, stem: stem) }
            return row.state
        case .held(.unknownUser, let reason, let named) where unmappedUsers == .skip:
            return try await apply(
                id, .inputSkipped(.unknownUser, reason: reason + " (users.unmapped: skip)"),
                evidence: Evidence(filesClientUniqueId: named), stem: stem
            ).state
        case .held(let code, let reason, let named):
            return try await apply(id, .inputHeld(code, reason: reason), evidence: Evidence(filesClientUniqueId: named), stem: stem).state
        case .skipped(let code, let reason, let levels, let named):
            logger.info(
                "recording skipped: not worth Gong's budget", metadata: ["stem": "\(stem)", "code": "\(code.rawValue)", "reason": "\(reason)"])
            let silent = code == .mediaSilent ? levels.map { Array($0.peakDb.indices) } : nil
            return try await apply(
                id, .inputSkipped(code, reason: reason), evidence: Evidence(levels: levels, silentChannels: silent, filesClientUniqueId: named),
                stem: stem
            ).state
        case .accepted(let accepted):
            let evidence = Evidence(
                sha256: accepted.sha256, requestJSON: accepted.request.canonicalJSON, mediaKind: accepted.media.kind.rawValue,
                levels: accepted.levels, silentChannels: accepted.silentChannels, filesClientUniqueId: accepted.request.clientUniqueId)
            let claimed = try await store.claim(
                id, clientUniqueId: accepted.request.clientUniqueId, evidence: evidence,
                context: EventContext(now: now))
            logger.info(
                "recording taken",
                metadata: [
                    "stem": "\(stem)", "clientUniqueId": "\(accepted.request.clientUniqueId)", "state": "\(claimed.row.state.rawValue)",
                ])
            if claimed.row.state == .held {
                logger.warning(
                    "recording held",
                    metadata: [
                        "stem": "\(stem)", "code": "\(claimed.row.lastErrorCode?.rawValue ?? "")",
                        "reason": "\(claimed.row.reason ?? "")",
                    ])
            }
            return claimed.row.state
        }
    }

    /// `privacy.excludedFiles: delete`: the excluded recording's files go — only the files
    /// examined (same size, time and inode) and never through a link (``AfterUploadAction``'s
    /// way). Once its `skipped` is committed: a crash in between keeps them, never the reverse.
    private func deleteExcluded(audio: SpoolEntry, sidecar: SpoolEntry?, stem: String) async throws {
        let action = AfterUploadAction.deleting(under: settings.directory)
        let files = [audio] + (sidecar.map { [$0] } ?? [])
        let taken = files.map { TakenFile(relativePath: $0.relativePath, size: $0.size, mtimeNs: $0.mtimeNs, inode: $0.inode) }
        do {
            let report = try await BlockingIO.run { try action.apply(to: taken) }
            if report.leftInPlace.isEmpty {
                logger.info("excluded recording's files deleted (privacy.excludedFiles: delete)", metadata: ["stem": "\(stem)"])
            } else {
                logger.warning(
                    "excluded recording's files left in place", metadata: ["stem": "\(stem)", "why": "\(report.leftInPlace.joined(separator: "; "))"])
            }
        } catch {
            logger.error("excluded recording's files could not be deleted", metadata: ["stem": "\(stem)", "error": "\(error)"])
        }
    }

    /// Reports `event` for row `id` now; logs what intake parked.
    @discardableResult
    private func apply(_ id: Int64, _ event: LifecycleEvent, evidence: Evidence? = nil, stem: String? = nil) async throws -> Recording {
        let row = try await store.apply(id, event, context: EventContext(now: clock.now()), evidence: evidence).row
        if let stem, [.rejected, .held, .orphaned].contains(row.state) {
            logger.warning(
                "recording parked",
                metadata: [
                    "stem": "\(stem)", "state": "\(row.state.rawValue)", "code": "\(row.lastErrorCode?.rawValue ?? "")",
                    "reason": "\(row.reason ?? "")",
                ])
        }
        return row
    }
}

/// Why a poll stopped before its end.
public enum IntakeInterrupted: Error, Sendable, CustomStringConvertible {
    /// Renewing this node's intake lease failed during long work: another node may have the spool.
    case leaseLost

    public var description: String {
        "this node's intake lease could not be renewed during long work; the next poll asks for it again"
    }
}
