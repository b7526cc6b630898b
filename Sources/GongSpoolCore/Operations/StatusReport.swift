import Foundation

/// What `gongspool status` shows.
public struct StatusReport: Sendable {
    /// Count per state (all states present).
    public var counts: [RecordingState: Int]
    /// Requests counted today (UTC).
    public var requestsToday: Int
    /// The daily budget.
    public var dailyLimit: Int
    /// Queue figures.
    public var facts: QueueFacts
    /// Estimated seconds to drain the queue, and the recordings still being examined, at the
    /// configured limits.
    public var drainSeconds: Double
    /// When the report was made.
    public var now: Date
    /// Why sending is halted (with since when), if it is.
    public var sendingHalted: String?
    /// Until when Gong asked for no request, if that is still ahead.
    public var pausedUntil: Date?
    /// Why Gong's user list could not be fetched the last time, if it could not.
    public var userListProblem: String?
    /// Recordings skipped today (UTC) as too short or silent, by cause.
    public var skippedToday: [ErrorCode: Int] = [:]
    /// Since when Gong could not be reached, and the error (`<ISO time> <error>`), if it cannot now.
    public var gongUnreachable: String?
    /// Why intake cannot read the spool directory (an unmounted share), if it cannot.
    public var spoolProblem: String?
    /// The last reconciliation with Gong's list of calls (when, what it found).
    public var lastReconciliation: String?
    /// The system id derived clientUniqueIds use, and where it comes from.
    public var systemId: String?, systemIdSource: String?
    /// The daemons running on this state (`nil`: not looked for).
    public var daemons: [RunningDaemon]?
    /// The archive as the daemon last looked (`spool.afterUpload: archive`), and its retention.
    public var archive: ArchiveSummary?
    /// `archive.retentionDays` (0: kept for ever).
    public var archiveRetentionDays = 0.0
    /// Erasures asked for (`gongspool erase`), the last of them, and the recordings of this
    /// spool whose erasure is not finished (a file that could not be deleted yet).
    public var erasures = 0, lastErasure: ErasureRecord?, erasuresPending = 0
    /// Erasures Gong accepted that no `audit --verify` has seen it finish.
    public var erasuresUnconfirmed = 0

    /// Requests not spent today on recordings Gong would not keep (two per recording).
    public var requestsSavedToday: Int { skippedToday.values.reduce(0, +) * 2 }

    /// Reads the report from the store.
    public static func make(store: any StatusStore & GateStore & MetaStore & PrivacyStore, config: Configuration, now: Date) async throws
        -> StatusReport
    {
        let used = try await store.dailyUsage(day: ISOTimestamp.utcDay(now))
        let facts = try await store.queueFacts()
        let paused = try await store.meta(.pausedUntil).flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
        let counts = try await store.countsByState()
        var report = StatusReport(
            counts: counts, requestsToday: used, dailyLimit: config.gong.dailyRequestLimit,
            facts: facts,
            drainSeconds: drainEstimate(
                needed: requestsIncludingPending(facts.requestsNeeded, counts: counts), usedToday: used, dailyLimit: config.gong.dailyRequestLimit,
                requestsPerSecond: config.gong.requestsPerSecond, now: now),
            now: now,
            sendingHalted: try await store.meta(.sendingHalted),
            pausedUntil: paused.flatMap { $0 > now ? $0 : nil },
            userListProblem: config.users.fromGong ? try await store.meta(.userListProblem) : nil)
        report.skippedToday = try await store.skippedForContent(day: ISOTimestamp.utcDay(now))
        report.lastReconciliation = try await store.meta(.lastReconciliation)
        report.gongUnreachable = try await store.meta(.gongUnreachable)
        report.spoolProblem = try await store.meta(.spoolProblem)
        if config.spool.afterUpload == .archive {
            report.archive = try await store.meta(.archiveSummary).flatMap(ArchiveSummary.init(text:))
            report.archiveRetentionDays = config.archive.retentionDays
        }
        let erasures = try await store.erasures()
        (report.erasures, report.lastErasure) = (erasures.count, erasures.last)
        report.erasuresUnconfirmed = erasures.filter { $0.gongAccepted && $0.gongConfirmedAt == nil }.count
        report.erasuresPending = try await store.erasuresPending().count
        let (known, source) = try await SystemIdentity.current(config, store: store)
        (report.systemId, report.systemIdSource) = (known.spool.effectiveSystemId, source.rawValue)
        return report
    }

    /// Requests the queue needs plus two for each recording still being examined (most of them
    /// will be sent): what an admin waiting on a first start's backlog wants estimated.
    public static func requestsIncludingPending(_ needed: Int, counts: [RecordingState: Int]) -> Int {
        needed + 2 * (counts[.pending] ?? 0)
    }

    /// Seconds to send `needed` requests at `requestsPerSecond`, waiting for the next UTC day
    /// whenever the daily budget runs out.
    public static func drainEstimate(needed: Int, usedToday: Int, dailyLimit: Int, requestsPerSecond: Double, now: Date) -> Double {
        guard needed > 0 else { return 0 }
        let remainingToday = max(0, dailyLimit - usedToday)
        if needed <= remainingToday { return Double(needed) / requestsPerSecond }
        let secondsToMidnight = 86_400 - now.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400)
        let afterToday = needed - remainingToday
        let fullDays = (afterToday - 1) / dailyLimit
        let lastDay = afterToday - fullDays * dailyLimit
        return secondsToMidnight + Double(fullDays) * 86_400 + Double(lastDay) / requestsPerSecond
    }

    /// JSON with key `states` mapping each state name to its count.
    public var json: String {
        let states = JSONValue.object(Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, JSONValue.integer(Int64($0.value))) }))
        func date(_ d: Date?) -> JSONValue { d.map { .string(ISOTimestamp.format($0)) } ?? .null }
        var lastError: JSONValue = .null
        if let e = facts.lastError {
            lastError = .object([
                "at": .string(ISOTimestamp.format(e.at)), "code": e.errorCode.map { .string($0.rawValue) } ?? .null,
                "reason": e.reason.map(JSONValue.string) ?? .null, "recording": .integer(e.recordingId),
            ])
        }
        let body = JSONValue.object([
            "version": .string(BuildInfo.version),
            "commit": BuildInfo.commit.map(JSONValue.string) ?? .null,
            "states": states,
            "requestsToday": .integer(Int64(requestsToday)),
            "dailyRequestLimit": .integer(Int64(dailyLimit)),
            "requestsNeeded": .integer(Int64(facts.requestsNeeded)),
            "estimatedDrainSeconds": .number(drainSeconds.rounded()),
            "oldestQueuedSince": date(facts.oldestQueuedSince),
            "lastSuccess": date(facts.lastSuccess),
            "lastError": lastError,
            "sendingHalted": sendingHalted.map(JSONValue.string) ?? .null,
            "pausedUntil": date(pausedUntil),
            "userListProblem": userListProblem.map(JSONValue.string) ?? .null,
            "skippedToday": .object(
                Dictionary(
                    uniqueKeysWithValues: [ErrorCode.mediaTooShort, .mediaSilent, .excludedByPolicy].map {
                        ($0.rawValue, JSONValue.integer(Int64(skippedToday[$0] ?? 0)))
                    })),
            "requestsSavedToday": .integer(Int64(requestsSavedToday)),
            "lastReconciliation": lastReconciliation.map(JSONValue.string) ?? .null,
            "gongUnreachable": gongUnreachable.map(JSONValue.string) ?? .null,
            "spoolProblem": spoolProblem.map(JSONValue.string) ?? .null,
            "archive": archive.map { archive in
                .object([
                    "files": .integer(Int64(archive.files)), "bytes": .integer(archive.bytes), "oldest": date(archive.oldest),
                    "checkedAt": date(archive.checkedAt), "retentionDays": .number(archiveRetentionDays),
                ])
            } ?? .null,
            "erasures": .object([
                "count": .integer(Int64(erasures)), "pending": .integer(Int64(erasuresPending)),
                "unconfirmedByGong": .integer(Int64(erasuresUnconfirmed)),
                "last": lastErasure.map {
                    .object(["id": .integer($0.id ?? 0), "at": date($0.requestedAt), "gong": $0.gongOutcome.map(JSONValue.string) ?? .null])
                } ?? .null,
            ]),
            "systemId": systemId.map(JSONValue.string) ?? .null,
            "daemons": daemons.map { list in
                .array(
                    list.map {
                        .object([
                            "pid": .integer(Int64($0.pid)), "since": date($0.since), "node": $0.node.map(JSONValue.string) ?? .null,
                        ])
                    })
            } ?? .null,
        ])
        return body.prettyString()
    }

    /// A human table.
    public var table: String {
        var lines: [String] = []
        if let sendingHalted {
            lines += [
                "SENDING HALTED since \(sendingHalted)",
                "  nothing is sent until the cause is fixed and the daemon restarted (or `gongspool release --all`)", "",
            ]
        }
        if let userListProblem { lines += ["GONG USER LIST NOT FETCHED: \(userListProblem)", ""] }
        if let gongUnreachable {
            lines += ["GONG UNREACHABLE since \(gongUnreachable)", "  requests are retried with backoff and cost no budget until Gong answers", ""]
        }
        if let spoolProblem {
            lines += ["SPOOL NOT READABLE: \(spoolProblem)", "  nothing new is taken in until it can be read again (an unmounted share?)", ""]
        }
        if let daemons {
            lines.append(Self.daemonLine(daemons, now: now))
            lines.append("")
        }
        lines.append("STATE       COUNT")
        for state in RecordingState.allCases {
            lines.append(state.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0) + String(counts[state] ?? 0))
        }
        lines.append("")
        lines.append("requests today (UTC): \(requestsToday) of \(dailyLimit)")
        let pending = counts[.pending] ?? 0
        let toGo = "\(facts.requestsNeeded) requests to go" + (pending > 0 ? " (and up to \(pending * 2) for the \(pending) being examined)" : "")
        if facts.requestsNeeded == 0 && pending == 0 {
            lines.append("queue:                empty")
        } else if sendingHalted != nil {
            lines.append("queue:                \(toGo); nothing moves while sending is halted")
        } else if daemons?.isEmpty == true && drainSeconds > 0 {
            lines.append("queue:                \(toGo); no daemon is running to send them")
        } else {
            lines.append("queue:                \(toGo), about \(Self.duration(drainSeconds)) at the current limits")
        }
        if let pausedUntil { lines.append("paused by Gong until: \(ISOTimestamp.format(pausedUntil)) (Retry-After)") }
        let short = skippedToday[.mediaTooShort] ?? 0
        let silent = skippedToday[.mediaSilent] ?? 0
        let excluded = skippedToday[.excludedByPolicy] ?? 0
        lines.append(
            "not sent today (UTC): \(short) too short, \(silent) silent, \(excluded) excluded by the privacy policy — \(requestsSavedToday) requests saved"
        )
        if let oldest = facts.oldestQueuedSince {
            lines.append("oldest queued:        since \(ISOTimestamp.format(oldest)) (\(Self.duration(now.timeIntervalSince(oldest))) ago)")
        }
        lines.append("last success:         \(facts.lastSuccess.map(ISOTimestamp.format) ?? "never")")
        if let e = facts.lastError {
            lines.append(
                "last error:           \(ISOTimestamp.format(e.at)) [\(e.errorCode?.rawValue ?? "?")] recording #\(e.recordingId): \(e.reason ?? "")")
        }
        if let lastReconciliation { lines.append("last reconciliation:  \(lastReconciliation)") }
        if let archive { lines.append("archive:              " + Self.archiveText(archive, retentionDays: archiveRetentionDays)) }
        if let last = lastErasure {
            let pending =
                (erasuresPending > 0 ? "; \(erasuresPending) recording(s) not finished: run the erase again" : "")
                + (erasuresUnconfirmed > 0 ? "; \(erasuresUnconfirmed) not yet confirmed by Gong (gongspool audit --verify)" : "")
            lines.append(
                "erasures:             \(erasures) (last #\(last.id ?? 0) at \(ISOTimestamp.format(last.requestedAt)), Gong: \(last.gongOutcome ?? "-"))\(pending)"
            )
        }
        if let systemId { lines.append("system id:            \(systemId) (from \(systemIdSource ?? "?"))") }
        if let missing = counts[.missing], missing > 0 {
            lines.append("MISSING IN GONG:      \(missing) delivered recordings Gong does not list — `gongspool list --state missing`")
        }
        return lines.map(\.escapingControlCharacters).joined(separator: "\n")
    }

    /// One line (`status --watch` when not on a terminal): the time, the states that hold any
    /// recording, today's requests, what is wrong, whether a daemon works.
    public var line: String {
        let states = RecordingState.allCases.compactMap { state in counts[state].flatMap { $0 > 0 ? "\(state.rawValue) \($0)" : nil } }
        var parts = [ISOTimestamp.format(now), states.isEmpty ? "no recordings" : states.joined(separator: ", ")]
        parts.append("requests today \(requestsToday) of \(dailyLimit)")
        if drainSeconds > 0 && sendingHalted == nil && daemons?.isEmpty != true {
            parts.append("\(facts.requestsNeeded) requests to go, about \(Self.duration(drainSeconds))")
        }
        if sendingHalted != nil { parts.append("SENDING HALTED") }
        if gongUnreachable != nil { parts.append("GONG UNREACHABLE") }
        if spoolProblem != nil { parts.append("SPOOL NOT READABLE") }
        if let daemons {
            parts.append(daemons.isEmpty ? "no daemon running" : "daemon PID " + daemons.map { String($0.pid) }.joined(separator: ", "))
        }
        return parts.joined(separator: "; ").escapingControlCharacters
    }

    /// `340 files, 1.2 GiB, oldest 2026-09-01T10:00:00Z (kept 90 days; looked at …)`.
    static func archiveText(_ archive: ArchiveSummary, retentionDays: Double) -> String {
        var text = "\(BacklogProgress.grouped(archive.files)) files, \(byteText(archive.bytes))"
        if let oldest = archive.oldest { text += ", oldest \(ISOTimestamp.format(oldest))" }
        let kept = retentionDays > 0 ? "kept \(Bounded.text(retentionDays)) days" : "kept for ever (archive.retentionDays)"
        return text + " (\(kept); looked at \(ISOTimestamp.format(archive.checkedAt)))"
    }

    /// `1.2 GiB`, `340 KiB`, `12 B`.
    static func byteText(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f", value) + " " + units[unit]
    }

    /// Who works on this state: the daemon's process and since when, or nobody.
    static func daemonLine(_ daemons: [RunningDaemon], now: Date) -> String {
        guard !daemons.isEmpty else {
            return "daemon:               not running on this state — nothing is taken in or sent (systemctl start gongspool)"
        }
        let each = daemons.map { daemon in
            let since = daemon.since.map { " since \(ISOTimestamp.format($0)) (\(duration(now.timeIntervalSince($0))))" } ?? ""
            return (daemon.node.map { "node \($0), " } ?? "") + "PID \(daemon.pid)" + since
        }
        return "daemon:               running, " + each.joined(separator: "; ")
    }

    /// `1h 05m`, `42s`, `3d 2h`.
    public static func duration(_ seconds: Double) -> String {
        let s = Bounded.int(min(max(0, seconds), Bounded.maxSeconds).rounded()) ?? 0
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m \(String(format: "%02d", s % 60))s" }
        if s < 86_400 { return "\(s / 3600)h \(String(format: "%02d", (s / 60) % 60))m" }
        return "\(s / 86_400)d \((s / 3600) % 24)h"
    }
}
