import Foundation

/// The lifecycle, queue, gate, status and meta roles of the state, held in memory: what a unit
/// test of the queue or the gate needs without a database. It executes the same ``WritePlan``s
/// as the SQLite and PostgreSQL stores (the same store suite runs on all three) and keeps
/// nothing across a restart, so the daemon never uses it.
public actor MemoryStore: LifecycleStore, QueueStore, GateStore, MetaStore, StatusStore, PrivacyStore {
    private var rows: [Int64: Recording] = [:]
    private var lines: [Transition] = []
    private var nextRow: Int64 = 1
    private var counts: [RecordingState: Int] = [:]
    private var facts: [MetaKey: String] = [:]
    private var usage: [String: Int] = [:]
    private var saved: [Tallies.SavedDay: Int] = [:]
    private var erased: [ErasureRecord] = []

    /// An empty state.
    public init() {}

    // MARK: Lifecycle

    @discardableResult
    public func apply(_ id: Int64, _ event: LifecycleEvent, context: EventContext, evidence: Evidence?) throws(StoreError) -> Applied {
        // A copy: a refusal or a failure half-way leaves the state as it was, as a rolled-back transaction would.
        let before = snapshot
        do {
            return try change(id, event, context, evidence)
        } catch {
            snapshot = before
            throw error
        }
    }

    public func insert(_ recordings: [InsertPlan]) throws(StoreError) -> [Recording] {
        let before = snapshot
        var out: [Recording] = []
        for plan in recordings {
            let id = nextRow
            let row = plan.inserted(as: id)
            do {
                try checkConstraints(row)
            } catch {
                snapshot = before
                throw error
            }
            nextRow += 1
            rows[id] = row
            let line = record(plan.firstTransition(id: id))
            count(plan.tallies, errorLine: plan.tallies.errorLine ? line : nil)
            out.append(row)
        }
        return out
    }

    public func observe(_ id: Int64, _ evidence: Evidence, now: Date) throws(StoreError) {
        guard let row = rows[id] else { throw .notFound("#\(id)") }
        rows[id] = WritePlan.observing(row, evidence, now: now)
    }

    public func claim(_ id: Int64, clientUniqueId: String, evidence: Evidence, context: EventContext) throws(StoreError) -> Applied {
        guard let row = rows[id] else { throw .notFound("#\(id)") }
        let needsOwner = ClaimDecision.needsOwner(row.lifecycle)
        let owner = needsOwner ? rows.values.first { $0.clientUniqueId == clientUniqueId } : nil
        var sameAudio: [Recording] = []
        if needsOwner, owner == nil, let sha256 = evidence.sha256 {
            sameAudio = sorted { $0.sha256 == sha256 && $0.clientUniqueId != nil && ClaimDecision.stopsSameAudio($0.lifecycle) }
        }
        let decision = ClaimDecision(
            claimant: row.claimParty, clientUniqueId: clientUniqueId, sha256: evidence.sha256,
            owner: owner?.claimParty, sameAudio: Array(sameAudio.prefix(16)).map(\.claimParty))
        let before = snapshot
        do {
            if decision.ownerPassesIt, let ownerId = owner?.id {
                try change(ownerId, .identityPassed(to: id), context, nil)
            }
            return try change(id, .claimed(decision.claim), context, evidence)
        } catch {
            snapshot = before
            throw error
        }
    }

    @discardableResult
    public func applyToAll(in states: Set<RecordingState>, causes codes: Set<ErrorCode>, _ event: LifecycleEvent, context: EventContext)
        throws(StoreError) -> Int
    {
        var changed = 0
        for row in sorted({ states.contains($0.state) && $0.lastErrorCode.map(codes.contains) == true }) {
            guard let id = row.id else { continue }
            do {
                try change(id, event, context, nil)
                changed += 1
            } catch StoreError.refused {
                continue
            }
        }
        return changed
    }

    public func find(_ key: String) -> Recording? {
        if let id = Int64(key), let row = rows[id] { return row }
        if let row = rows.values.first(where: { $0.clientUniqueId == key }) { return row }
        return sorted { $0.filesClientUniqueId == key || $0.stem == key || $0.audioPath == key }.last
    }

    /// Executes the plan of `event` on row `id`, then the cascade.
    @discardableResult
    private func change(_ id: Int64, _ event: LifecycleEvent, _ context: EventContext, _ evidence: Evidence?) throws(StoreError) -> Applied {
        guard let row = rows[id] else { throw .notFound("#\(id)") }
        let plan = try WritePlan(changing: row, by: event, context, evidence: evidence)
        var errorLine: Int64?
        if plan.deletesRow {
            rows[id] = nil
            lines.removeAll { $0.recordingId == id }
        } else {
            try checkConstraints(plan.row)
            rows[id] = plan.row
            if let tombstone = plan.historyReason {
                for index in lines.indices where lines[index].recordingId == id { lines[index].reason = tombstone }
            }
            if let line = plan.transition {
                let lineId = record(line)
                errorLine = plan.tallies.errorLine ? lineId : nil
            }
        }
        count(plan.tallies, errorLine: errorLine)
        if plan.reexaminesDuplicates {
            for copy in sorted({ $0.duplicateOf == id && $0.state == .duplicate }) {
                if let copyId = copy.id { try change(copyId, .originalFailed, context, nil) }
            }
        }
        return plan.applied
    }

    /// The constraints the databases' schemas hold: a clientUniqueId belongs to one row, and a
    /// stem has at most one pending row.
    private func checkConstraints(_ row: Recording) throws(StoreError) {
        if let id = row.clientUniqueId, rows.values.contains(where: { $0.clientUniqueId == id && $0.id != row.id }) {
            throw .sqlite("UNIQUE constraint failed: recordings.clientUniqueId (\(id))")
        }
        if row.state == .pending, rows.values.contains(where: { $0.stem == row.stem && $0.state == .pending && $0.id != row.id }) {
            throw .sqlite("UNIQUE constraint failed: recordings.stem (a second pending row for \(row.stem))")
        }
    }

    private func record(_ line: Transition) -> Int64 {
        var line = line
        line.id = Int64(lines.count + 1)
        lines.append(line)
        return line.id ?? 0
    }

    private func count(_ tallies: Tallies, errorLine: Int64?) {
        for (state, delta) in tallies.stateChanges { counts[state, default: 0] += delta }
        if let at = tallies.deliveredAt { facts[.lastSuccessAt] = String(at.timeIntervalSince1970) }
        if let errorLine { facts[.lastErrorTransition] = String(errorLine) }
        for (day, n) in tallies.saved { saved[day, default: 0] += n }
    }

    private var snapshot: ([Int64: Recording], [Transition], [RecordingState: Int], [MetaKey: String], [Tallies.SavedDay: Int]) {
        get { (rows, lines, counts, facts, saved) }
        set { (rows, lines, counts, facts, saved) = newValue }
    }

    /// The rows matching `filter`, oldest first.
    private func sorted(_ filter: (Recording) -> Bool) -> [Recording] {
        rows.values.filter(filter).sorted { ($0.id ?? 0) < ($1.id ?? 0) }
    }

    // MARK: Queue

    public func nextDue(now: Date, excluding busy: Set<Int64>, order: QueueOrder) -> Recording? {
        let due = sorted {
            RecordingState.deliveryStates.contains($0.state) && ($0.nextAttemptAt.map { $0 <= now } ?? true) && !busy.contains($0.id ?? 0)
        }
        // Calls that exist in Gong first, then by recording time (`order`), as the databases sort.
        return due.min { a, b in
            if (a.callId == nil) != (b.callId == nil) { return a.callId != nil }
            let (x, y) = order == .newestFirst ? (b, a) : (a, b)
            return ((x.mtimeNs ?? 0), (x.id ?? 0)) < ((y.mtimeNs ?? 0), (y.id ?? 0))
        }
    }

    public func isDue(now: Date, excluding busy: Set<Int64>) -> Bool {
        nextDue(now: now, excluding: busy, order: .newestFirst) != nil
    }

    public func nextRetryAt() -> Date? {
        rows.values.filter { $0.state == .waiting }.compactMap(\.nextAttemptAt).min()
    }

    public func hasQueuedWork() -> Bool {
        rows.values.contains { RecordingState.deliveryStates.contains($0.state) }
    }

    /// One node: nothing is leased.
    public func renewLeases(_ ids: Set<Int64>) -> Set<Int64> { [] }

    /// One node: nothing is leased.
    public func releaseLease(_ id: Int64) {}

    // MARK: Gate

    public func reserveDailyRequest(day: String, limit: Int) -> Int? {
        let used = usage[day, default: 0]
        guard used < limit else { return nil }
        usage[day] = used + 1
        return used + 1
    }

    public func dailyUsage(day: String) -> Int { usage[day, default: 0] }

    public func releaseDailyRequest(day: String) {
        if let used = usage[day], used > 0 { usage[day] = used - 1 }
    }

    /// One node: its own gate spaces its requests.
    public func reserveSlot(interval: Double) -> Double { 0 }

    /// One node: its own gate follows its previous real send.
    public func confirmSend(_ window: SendWindow) -> Double { 0 }

    public func recordPause(seconds: Double, until: Date) {
        facts[.pausedUntil] = String(until.timeIntervalSince1970)
    }

    public func hasHaltingHolds() -> Bool {
        rows.values.contains { $0.state == .held && $0.lastErrorCode.map(ErrorCode.haltingCauses.contains) == true }
    }

    // MARK: Privacy

    public func recordErasure(_ erasure: ErasureRecord) -> ErasureRecord {
        var inserted = erasure
        inserted.id = Int64(erased.count + 1)
        erased.append(inserted)
        return inserted
    }

    public func updateErasure(_ erasure: ErasureRecord) throws(StoreError) {
        guard let index = erased.firstIndex(where: { $0.id == erasure.id }) else { throw .notFound("erasure #\(erasure.id ?? 0)") }
        erased[index] = erasure
    }

    public func erasures() -> [ErasureRecord] { erased }

    public func erasuresPending() -> [Recording] { sorted(\.isErasurePending) }

    // MARK: Meta

    public func meta(_ key: MetaKey) -> String? { facts[key] }

    public func setMeta(_ key: MetaKey, _ value: String?) { facts[key] = value }

    public func setMetaIfAbsent(_ key: MetaKey, _ value: String) -> String {
        if let stored = facts[key] { return stored }
        facts[key] = value
        return value
    }

    // MARK: Status

    public func recordings(in states: Set<RecordingState>?, limit: Int?, newestFirst: Bool) -> [Recording] {
        let oldestFirst = sorted { states?.contains($0.state) ?? true }
        let all = newestFirst ? Array(oldestFirst.reversed()) : oldestFirst
        return limit.map { Array(all.prefix($0)) } ?? all
    }

    public func recordings(in states: Set<RecordingState>?, afterId: Int64, limit: Int) -> [Recording] {
        Array(sorted { ($0.id ?? 0) > afterId && (states?.contains($0.state) ?? true) }.prefix(limit))
    }

    public func countsByState() -> [RecordingState: Int] {
        Dictionary(uniqueKeysWithValues: RecordingState.allCases.map { ($0, counts[$0, default: 0]) })
    }

    public func history(of id: Int64) -> [Transition] {
        lines.filter { $0.recordingId == id }
    }

    public func queueFacts() -> QueueFacts {
        var facts = QueueFacts()
        let queued = rows.values.filter { RecordingState.deliveryStates.contains($0.state) }
        facts.requestsNeeded = queued.reduce(0) { sum, row in
            sum + (row.state == .uploaded || row.phase == .finish ? 0 : row.callId == nil ? 2 : 1)
        }
        facts.oldestQueuedSince = queued.map(\.firstSeenAt).min()
        facts.lastSuccess = self.facts[.lastSuccessAt].flatMap(Double.init).map { Date(timeIntervalSince1970: $0) }
        facts.lastError = self.facts[.lastErrorTransition].flatMap(Int64.init).flatMap { id in lines.first { $0.id == id } }
        return facts
    }

    public func skippedForContent(day: String) -> [ErrorCode: Int] {
        var out: [ErrorCode: Int] = [:]
        for (key, n) in saved where key.day == day { out[key.code] = n }
        return out
    }
}
