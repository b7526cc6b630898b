import Foundation

/// A lifecycle change as committed: the row afterwards and what is left for the driver to do.
public struct Applied: Sendable {
    /// The row after the change (as it was, when the change deleted it).
    public var row: Recording
    /// The driver's actions, in order (the store did its effects in the same transaction).
    public var actions: [DriverAction]
}

/// Everything one change does to the state, decided here once for every backend: the row
/// written or deleted, its history line, the tallies, whether the duplicates of the row are
/// examined again, whether a fleet node's lease on it ends. A backend reads the row under its
/// own lock (SQLite's single writer, PostgreSQL's `FOR UPDATE`), asks for the plan and executes
/// it in the same transaction; for the cascade it applies ``LifecycleEvent/originalFailed`` to
/// each `duplicate` of the row the same way.
public struct WritePlan: Sendable {
    /// The row afterwards (as it was, when it is deleted).
    public let row: Recording
    /// The row and its history go.
    public let deletesRow: Bool
    /// The history line to append, if the change is one.
    public let transition: Transition?
    /// The counts the change moves.
    public let tallies: Tallies
    /// The rows that are `duplicate` of this one are to be examined again.
    public let reexaminesDuplicates: Bool
    /// Nothing is left to send for now: a fleet node's lease on the row ends, whoever picks
    /// it up next.
    public let leavesDelivery: Bool
    /// The reasons of the row's history give way to this (an erasure's tombstone), before the
    /// new line is appended.
    public let historyReason: String?
    /// What the driver gets back.
    public let applied: Applied

    /// Lets `row`'s lifecycle handle `event` at `context.now`, with `evidence` of the files; a
    /// refusal throws ``StoreError/refused(id:_:)`` and nothing is written.
    public init(changing row: Recording, by event: LifecycleEvent, _ context: EventContext, evidence: Evidence?) throws(StoreError) {
        var lifecycle = row.lifecycle
        let decision: LifecycleDecision
        do {
            decision = try lifecycle.handle(event, context)
        } catch {
            throw .refused(id: row.id ?? 0, error)
        }
        var next = row
        next.store(lifecycle)
        evidence?.apply(to: &next)
        next.updatedAt = context.now
        let erases = decision.effects.contains(.erasePersonalData)
        if erases { next.eraseTombstone() }
        let deletes = decision.effects.contains(.deleteRow)
        var tallies = Tallies()
        var line: Transition?
        if deletes {
            tallies.deleted(row.state)
        } else {
            tallies.moved(from: row.state, to: next.state)
            if decision.effects.contains(.recordTransition), let id = next.id {
                let transition = Transition(
                    recordingId: id, at: next.updatedAt, fromState: row.state, toState: next.state,
                    reason: next.reason, errorCode: next.lastErrorCode, attempt: next.attempts)
                tallies.recorded(transition)
                line = transition
            }
        }
        self.row = deletes ? row : next
        deletesRow = deletes
        transition = line
        self.tallies = tallies
        reexaminesDuplicates = decision.effects.contains(.reexamineDuplicates)
        leavesDelivery = !RecordingState.deliveryStates.contains(next.state)
        historyReason = erases ? Recording.tombstoneReason : nil
        applied = Applied(row: self.row, actions: decision.actions)
    }

    /// What intake learned about the files, without a state change: the row with `evidence`, no
    /// history line, nothing counted.
    public static func observing(_ row: Recording, _ evidence: Evidence, now: Date) -> Recording {
        var row = row
        evidence.apply(to: &row)
        row.updatedAt = now
        return row
    }
}

/// A new row in its first state: the row to insert, and (once the backend knows its id) its
/// first history line and what it counts.
public struct InsertPlan: Sendable {
    /// The row, without an id.
    public let row: Recording

    /// `stem` seen at `now`, in `lifecycle`'s state, with `evidence` of its files.
    public init(stem: String, _ lifecycle: RecordingLifecycle, evidence: Evidence, now: Date) {
        var row = Recording(stem: stem, now: now)
        row.store(lifecycle)
        evidence.apply(to: &row)
        self.row = row
    }

    /// Nothing was sent for it yet: a backend may commit it without waiting for the disk.
    public var ownsNothing: Bool { row.clientUniqueId == nil }

    /// The first history line of the row inserted as `id`.
    public func firstTransition(id: Int64) -> Transition {
        Transition(
            recordingId: id, at: row.createdAt, fromState: nil, toState: row.state, reason: row.reason,
            errorCode: row.lastErrorCode, attempt: row.attempts)
    }

    /// What inserting it counts.
    public var tallies: Tallies {
        var tallies = Tallies()
        tallies.moved(from: nil, to: row.state)
        tallies.recorded(firstTransition(id: 0))
        return tallies
    }

    /// The row as inserted under `id`.
    public func inserted(as id: Int64) -> Recording {
        var row = row
        row.id = id
        return row
    }
}
