import Foundation
import GongSpoolCore
import Logging

/// Checks that Gong lists the calls GongSpool delivered: `GET /v2/calls` for the windows in which
/// delivered recordings started (through the shared ``RequestGate`` and daily budget), matched
/// by callId. A delivered recording whose call Gong does not list becomes `missing` (`retry`
/// delivers it again); one listed is confirmed and not asked about again.
public struct Reconciler: Sendable {
    let client: any GongAPI
    let gate: RequestGate
    let store: any LifecycleStore & ReconcileStore & MetaStore
    let clock: any WallClock
    let logger: Logger

    /// A reconciler over the daemon's (or a command's) client, gate and store.
    public init(client: any GongAPI, gate: RequestGate, store: any LifecycleStore & ReconcileStore & MetaStore, clock: any WallClock, logger: Logger)
    {
        self.client = client
        self.gate = gate
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    /// Recordings delivered this long ago at most are reconciled by the daily run.
    public static let defaultLookbackDays = 7.0
    /// A call delivered less than this long ago may still be processing in Gong: not judged yet
    /// by the daily run.
    public static let defaultGraceHours = 6.0

    /// What one reconciliation found.
    public struct Outcome: Sendable, Equatable, CustomStringConvertible {
        /// Recordings looked for.
        public var checked = 0
        /// Found in Gong's list (including `missing` ones found after all).
        public var listed = 0
        /// Not listed: now `missing` (ids).
        public var missing: [Int64] = []
        /// Recordings left for the next run (the request cap or the daily budget was reached).
        public var deferred = 0
        /// Requests spent.
        public var requests = 0

        public var description: String {
            "\(checked) delivered recordings checked, \(listed) listed by Gong, \(missing.count) missing"
                + (deferred > 0 ? ", \(deferred) left for the next run" : "") + " (\(requests) requests)"
        }
    }

    /// Why a reconciliation stopped.
    public typealias Failure = GongListFailure

    /// Reconciles the recordings delivered between `since` and `grace` seconds ago, spending at
    /// most `maxRequests` requests (never past the daily budget: what is left waits for the next run).
    @discardableResult
    public func run(since: Date, graceSeconds: Double, maxRequests: Int) async throws -> Outcome {
        let now = clock.now()
        let candidates = try await store.reconcileCandidates(deliveredSince: since, before: now.addingTimeInterval(-graceSeconds))
        var outcome = Outcome()
        // One window per UTC day of the calls' starts, as narrow as the starts allow.
        let byDay = Dictionary(grouping: candidates) { ISOTimestamp.utcDay($0.start) }
        for day in byDay.keys.sorted() {
            let group = byDay[day] ?? []
            guard outcome.requests < maxRequests, !(await gate.budgetExhausted) else {
                outcome.deferred += group.count
                continue
            }
            let from = group.map(\.start).min() ?? now
            let to = (group.map(\.start).max() ?? now).addingTimeInterval(1)
            guard let listed = try await listedCalls(from: from, to: to, outcome: &outcome, maxRequests: maxRequests) else {
                outcome.deferred += group.count
                continue
            }
            try await settle(group, listed: listed, from: from, to: to, outcome: &outcome)
        }
        let summary = ISOTimestamp.format(now) + " " + outcome.description
        try await store.setMeta(.lastReconciliation, summary)
        try await store.setMeta(.lastReconciliationAt, String(now.timeIntervalSince1970))
        logger.info(
            "reconciled with Gong's list of calls",
            metadata: [
                "checked": "\(outcome.checked)", "listed": "\(outcome.listed)", "missing": "\(outcome.missing.count)",
                "deferred": "\(outcome.deferred)", "requests": "\(outcome.requests)",
            ])
        return outcome
    }

    /// Records what Gong's list says of `group`.
    private func settle(_ group: [ReconcileCandidate], listed: Set<String>, from: Date, to: Date, outcome: inout Outcome) async throws {
        var confirmed: [ReconcileCandidate] = []
        for candidate in group {
            outcome.checked += 1
            let context = EventContext(now: clock.now())
            if listed.contains(candidate.callId) {
                outcome.listed += 1
                confirmed.append(candidate)
                if candidate.state == .missing { _ = try await apply(candidate, .reconciledFound(callId: candidate.callId), context) }
            } else if candidate.state == .done {
                let why =
                    "Gong does not list call \(candidate.callId) among the calls started \(ISOTimestamp.format(from)) – \(ISOTimestamp.format(to)) "
                    + "(GET /v2/calls, \(ISOTimestamp.format(context.now))); check it in Gong, then `gongspool retry ID` delivers it again"
                guard try await apply(candidate, .reconciledMissing(callId: candidate.callId, reason: why), context) else { continue }
                outcome.missing.append(candidate.id)
                logger.warning("delivered call not listed by Gong", metadata: ["recording": "\(candidate.id)", "callId": "\(candidate.callId)"])
            } else {
                outcome.missing.append(candidate.id)
            }
        }
        try await store.confirmListed(confirmed, at: clock.now())
    }

    /// Applies a reconciliation event; `false` when the recording moved on since it was read (an
    /// operator's retry, a second reconciliation): it is left as it is now.
    private func apply(_ candidate: ReconcileCandidate, _ event: LifecycleEvent, _ context: EventContext) async throws -> Bool {
        do {
            try await store.apply(candidate.id, event, context: context)
            return true
        } catch .refused {
            logger.debug("recording changed while reconciling; left as it is", metadata: ["recording": "\(candidate.id)"])
            return false
        }
    }

    /// Every call id Gong lists for `[from, to)`, page by page; `nil` when the request cap or the
    /// budget stopped it before the last page (nothing is judged on a partial list).
    private func listedCalls(from: Date, to: Date, outcome: inout Outcome, maxRequests: Int) async throws -> Set<String>? {
        let reader = GongListReader(list: .calls, gate: gate)
        let read = try await reader.readAll(maxRequests: maxRequests - outcome.requests, stopAtBudget: true, notFoundIsEmpty: true) { cursor in
            await client.listCalls(from: from, to: to, cursor: cursor)
        } parse: { body in
            CallListPage(json: body).map { ($0.callIds, $0.cursor) }
        }
        switch read {
        case .complete(let ids, let requests):
            outcome.requests += requests
            return Set(ids)
        case .cut(let requests):
            outcome.requests += requests
            return nil
        }
    }
}
