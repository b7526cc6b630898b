import Foundation
import GongSpoolCore

/// What a first start decides, and what `check` and `run --dry-run` must say before it: with
/// `spool.backfill` not set, a spool holding more than one day's request budget of recordings is
/// refused — the budget is the whole company's, and weeks of it are the administrator's decision.
public enum FirstStart {
    /// The refusal `run` would make now, if any. `store` is the state, when there is one (a
    /// cutoff fixed there means this is not a first start).
    public static func refusal(_ config: Configuration, store: (any MetaStore)?) async throws -> ConfigurationError? {
        guard config.spool.backfill == nil else { return nil }
        if let store, try await store.hasBackfillCutoff() { return nil }
        let walk = SpoolWalk(root: config.spool.directory, recursive: config.spool.recursive)
        let recordings = try await BlockingIO.run { walk.countRecordings() }
        let requests = recordings * 2
        let limit = config.gong.dailyRequestLimit
        guard requests > limit else { return nil }
        let days = (Double(requests) / Double(limit) * 10).rounded(.up) / 10
        return .invalid(
            key: "spool.backfill",
            message: """
                not set, and the spool already holds \(recordings) recordings: sending them all costs \(requests) requests, \
                \(days) days of gong.dailyRequestLimit (\(limit)) — a budget the company's other Gong integrations share. \
                Say what you want: backfill: none (only new recordings), a date such as 2026-11-01, or all
                """)
    }

    /// What `spool.backfill` amounts to now, for `config` and the state `store` (when there is
    /// one): the cutoff the first start fixed, else what a first start would do.
    public static func effectiveBackfill(_ config: Configuration, store: (any MetaStore)?) async throws -> String {
        if let store, let stored = try await store.meta(.backfillCutoff) {
            let taken =
                Double(stored).map { "recordings modified since \(ISOTimestamp.format(Date(timeIntervalSince1970: $0)))" } ?? "every recording"
            return "fixed at the first start: \(taken) (the setting counts only at a first start)"
        }
        guard config.spool.backfill == nil else { return "as set; fixed at the first start" }
        if let refusal = try await refusal(config, store: store) { return "not set — run would refuse to start: \(refusal.description)" }
        return "not set — the first start takes every recording in the spool (they fit in one day's budget)"
    }
}
