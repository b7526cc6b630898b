import Foundation

/// A lifecycle change as committed: the row afterwards and what is left for the driver to do.
public struct Applied: Sendable {
    /// The row after the change (as it was, when the change deleted it).
    public var row: Recording
    /// The driver's actions (the store already did `recordTransition`, `deleteRow` and
    /// `reexamineDuplicates` in the same transaction).
    public var actions: [LifecycleAction]
}

/// What one event does to one stored row, decided by the row's ``RecordingLifecycle`` before any
/// store writes it: every backend reads the row, asks this, and writes what it says in the same
/// transaction, so the rules live in one place whatever the database.
package struct RowChange: Sendable {
    /// The row afterwards.
    package var row: Recording
    /// Its state before.
    package var from: RecordingState
    /// Everything the lifecycle asked for.
    package var actions: [LifecycleAction]

    /// Lets `row`'s lifecycle handle `event`; a refusal throws ``StoreError/refused(id:_:)``.
    package init(_ row: Recording, _ event: LifecycleEvent, _ context: EventContext, _ evidence: Evidence?) throws(StoreError) {
        var row = row
        var lifecycle = row.lifecycle
        from = row.state
        do {
            actions = try lifecycle.handle(event, context)
        } catch {
            throw .refused(id: row.id ?? 0, error)
        }
        row.store(lifecycle)
        evidence?.apply(to: &row)
        row.updatedAt = context.now
        self.row = row
    }

    /// The row goes.
    package var deletesRow: Bool { actions.contains(.deleteRow) }
    /// The copies waiting on this row are to be examined again (`originalFailed`).
    package var reexaminesDuplicates: Bool { actions.contains(.reexamineDuplicates) }
    /// The history line to write, if the change is one.
    package var transition: Transition? {
        guard actions.contains(.recordTransition), !deletesRow, let id = row.id else { return nil }
        return Transition(id: nil, recordingId: id, at: row.updatedAt, fromState: from, toState: row.state,
                          reason: row.reason, errorCode: row.lastErrorCode, attempt: row.attempts)
    }

    /// What the caller gets back: the store's own actions are done.
    package var applied: Applied {
        let storeActions: Set<LifecycleAction> = [.recordTransition, .deleteRow, .reexamineDuplicates]
        return Applied(row: row, actions: actions.filter { !storeActions.contains($0) })
    }
}

/// How a claim of a `clientUniqueId` comes out, decided from the claiming row and the row that
/// owns the id now (if another does): the row owns the id when no other row does; a row that
/// failed before sending anything gives it up to a copy with the same audio; otherwise the
/// claiming row is a duplicate (same audio) or a content conflict. A locked identity is never
/// exchanged: the lifecycle holds the row if the id changed.
package struct ClaimDecision: Sendable {
    /// What the claiming row is told.
    package var claim: Claim
    /// The owner gives the id up first (``LifecycleEvent/identityPassed(to:)``).
    package var ownerPassesIt: Bool

    /// `sameAudio`: rows with the claiming row's SHA-256 under another clientUniqueId
    /// (``sameAudioStates``), oldest first.
    package init(row: Recording, clientUniqueId: String, owner: Recording?, sha256: String?, sameAudio: [Recording] = []) {
        claim = .owner(clientUniqueId: clientUniqueId)
        ownerPassesIt = false
        guard Self.needsOwner(row) else { return }
        guard let owner, let ownerId = owner.id, ownerId != row.id else {
            // Nobody has the id: unless this audio is already on its way to Gong under another one.
            if let twin = sameAudio.first(where: { $0.id != row.id && $0.clientUniqueId != clientUniqueId && !Self.failedBeforeSending($0) }),
               let twinId = twin.id, let twinCall = twin.clientUniqueId {
                claim = .sameAudio(of: twinId, clientUniqueId: clientUniqueId,
                                   description: "recording #\(twinId) \(twin.audioPath ?? twin.stem) (\(twin.state.rawValue), clientUniqueId \(twinCall))")
            }
            return
        }
        let description = "recording #\(ownerId) \(owner.audioPath ?? owner.stem) (\(owner.state.rawValue))"
        if owner.sha256 != sha256 {
            claim = .conflict(of: ownerId, clientUniqueId: clientUniqueId, description: description)
        } else if Self.failedBeforeSending(owner) {
            ownerPassesIt = true
        } else {
            claim = .duplicate(of: ownerId, clientUniqueId: clientUniqueId, description: description)
        }
    }

    /// The states of a row whose audio is delivered or on its way: the same audio claimed under
    /// another clientUniqueId is its duplicate (Gong would answer "same content" after an empty
    /// call was created).
    package static let sameAudioStates: [RecordingState] = [.ready, .creating, .created, .uploading, .uploaded, .done, .waiting, .held, .missing]

    /// Whether the owner's lookup matters: a locked identity keeps its id whoever else has it.
    package static func needsOwner(_ row: Recording) -> Bool {
        row.lifecycle.identity?.isLocked != true
    }

    /// An owner that failed before any request of it may have reached Gong, and not by an
    /// operator's choice: its copy with the same audio may carry the id on.
    package static func failedBeforeSending(_ owner: Recording) -> Bool {
        let lifecycle = owner.lifecycle
        guard let identity = lifecycle.identity, !identity.isLocked else { return false }
        switch lifecycle.state {
        case .rejected, .orphaned: return true
        case .held: return lifecycle.code != .operatorHold
        default: return false
        }
    }
}
