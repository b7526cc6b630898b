import Foundation
import Metrics

/// The daemon's metrics, through swift-metrics (exposed as Prometheus text by `gongspool run`
/// on `metrics.listen`). Names and labels are stable; label values carry no personal data.
public enum DaemonMetrics {
    /// One API request answered (or failed in transport).
    package static func request(endpoint: GongEndpointKind, reply: GongReply) {
        let status: String
        switch reply {
        case .http(let code, _, _): status = String(code)
        case .transport(let code, _): status = code.rawValue
        }
        Counter(label: "gongspool_api_requests_total", dimensions: [("endpoint", endpoint.rawValue), ("status", status)]).increment()
        if case .http(429, _, _) = reply {
            Counter(label: "gongspool_rate_limited_total").increment()
        }
    }

    /// `gongspool_gong_reachable` (1/0) and, while not, since when.
    static func gongReachable(_ reachable: Bool, since: Date) {
        Gauge(label: "gongspool_gong_reachable").record(reachable ? 1 : 0)
        Gauge(label: "gongspool_gong_unreachable_since_timestamp_seconds").record(reachable ? 0 : since.timeIntervalSince1970)
    }

    /// Time all sending was paused after a 429.
    static func paused(seconds: Double) {
        FloatingPointCounter(label: "gongspool_rate_limit_paused_seconds_total").increment(by: seconds)
    }

    /// A recording reached `done`.
    static func delivered(bytes: Int64, at date: Date) {
        Counter(label: "gongspool_uploads_total").increment()
        Counter(label: "gongspool_uploaded_bytes_total").increment(by: bytes)
        Gauge(label: "gongspool_last_success_timestamp_seconds").record(date.timeIntervalSince1970)
    }

    /// Intake finished examining a recording: it is now `state` (`ready`, `skipped`, `rejected`,
    /// `held`, `duplicate`, `orphaned`), so "skipped per hour" is a rate, not a difference of counts.
    static func examined(_ state: RecordingState) {
        Counter(label: "gongspool_examined_total", dimensions: [("outcome", state.rawValue)]).increment()
    }

    /// A delivery step failed with `code`.
    static func failure(code: String) {
        Counter(label: "gongspool_failures_total", dimensions: [("reason", code)]).increment()
    }

    /// Periodic figures from the state store and the gate.
    package static func sample(
        counts: [RecordingState: Int], budgetUsed: Int, budgetLimit: Int, oldestWaitingAge: Double?,
        requestsNeeded: Int, drainSeconds: Double, halted: Bool, skippedToday: [ErrorCode: Int] = [:], lastSuccess: Date? = nil
    ) {
        // From the state, so a restarted daemon (or a fleet node that delivered nothing yet) has it.
        if let lastSuccess { Gauge(label: "gongspool_last_success_timestamp_seconds").record(lastSuccess.timeIntervalSince1970) }
        for code in [ErrorCode.mediaTooShort, .mediaSilent, .excludedByPolicy] {
            Gauge(label: "gongspool_skipped_today", dimensions: [("reason", code.rawValue)]).record(skippedToday[code] ?? 0)
        }
        Gauge(label: "gongspool_requests_saved_today").record(skippedToday.values.reduce(0, +) * 2)
        Gauge(label: "gongspool_sending_halted").record(halted ? 1 : 0)
        Gauge(label: "gongspool_build_info", dimensions: [("version", BuildInfo.version), ("commit", BuildInfo.commit ?? "")]).record(1)
        Gauge(label: "gongspool_requests_needed").record(requestsNeeded)
        Gauge(label: "gongspool_drain_estimate_seconds").record(drainSeconds)
        for (state, count) in counts {
            Gauge(label: "gongspool_recordings", dimensions: [("state", state.rawValue)]).record(count)
        }
        Gauge(label: "gongspool_daily_budget_used").record(budgetUsed)
        Gauge(label: "gongspool_daily_budget_remaining").record(max(0, budgetLimit - budgetUsed))
        Gauge(label: "gongspool_oldest_queued_age_seconds").record(oldestWaitingAge ?? 0)
    }

    /// The fleet as this node sees it (PostgreSQL only): how many nodes run, stopped, or went
    /// silent (not heard of for a lease while not stopped: their spools' recordings wait).
    package static func fleet(_ status: FleetStatus) {
        for condition in ["running", "stopped", "silent"] {
            Gauge(label: "gongspool_fleet_nodes", dimensions: [("condition", condition)]).record(
                status.nodes.filter { $0.condition == condition }.count)
        }
    }
}
