import Foundation

/// What `status`, `/healthz` and the metrics read every few seconds, kept current by every write
/// in the transaction of the change it counts — so reading it costs a handful of rows whatever
/// the history. Decided here for every backend (SQLite used to keep them with triggers, which
/// PostgreSQL wrote differently); a backend only executes them.
public struct Tallies: Sendable, Equatable {
    /// Rows gained (+) or lost (−) per state.
    public private(set) var rowsByState: [RecordingState: Int] = [:]
    /// A delivery finished then (`lastSuccessAt`); a call found again in Gong's list, or
    /// accepted, is not a delivery.
    public private(set) var deliveredAt: Date?
    /// The history line carries an error: its id becomes the last error (`lastErrorTransition`).
    public private(set) var errorLine = false
    /// Recordings skipped for their content, per UTC day and cause (`savedByDay`).
    public private(set) var saved: [SavedDay: Int] = [:]

    /// A UTC day and a cause of skipping.
    public struct SavedDay: Sendable, Hashable {
        /// `2026-11-30`.
        public var day: String
        /// `media_too_short`, `media_silent` or `excluded_by_policy`.
        public var code: ErrorCode
    }

    /// Nothing to count.
    public init() {}

    /// The causes of a skip that `status` reports as requests saved (and, for the privacy
    /// policy, as excluded today).
    public static let savedCauses: Set<ErrorCode> = [.mediaTooShort, .mediaSilent, .excludedByPolicy]

    /// A row now in `to`, and before in `from` (`nil`: a new row).
    mutating func moved(from: RecordingState?, to: RecordingState) {
        guard from != to else { return }
        if let from { rowsByState[from, default: 0] -= 1 }
        rowsByState[to, default: 0] += 1
    }

    /// A row deleted in `state`.
    public mutating func deleted(_ state: RecordingState, count: Int = 1) {
        rowsByState[state, default: 0] -= count
    }

    /// What the history line `line` says.
    mutating func recorded(_ line: Transition) {
        if line.toState == .done && line.fromState != .missing {
            deliveredAt = line.at
        }
        errorLine = line.errorCode != nil
        if line.toState == .skipped, let code = line.errorCode, Self.savedCauses.contains(code) {
            saved[SavedDay(day: ISOTimestamp.utcDay(line.at), code: code), default: 0] += 1
        }
    }

    /// Both counts together (a batch of inserts); the later delivery and error line win.
    public mutating func add(_ other: Tallies) {
        for (state, delta) in other.rowsByState { rowsByState[state, default: 0] += delta }
        if let at = other.deliveredAt { deliveredAt = max(deliveredAt ?? at, at) }
        errorLine = errorLine || other.errorLine
        for (key, n) in other.saved { saved[key, default: 0] += n }
    }

    /// The per-state changes that are not zero, by state name (for one statement each).
    public var stateChanges: [(state: RecordingState, delta: Int)] {
        rowsByState.filter { $0.value != 0 }.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key, $0.value) }
    }
}
