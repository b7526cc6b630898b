import Foundation

extension RecordingLifecycle {
    /// Events reported by intake (and by the store while it claims an id).
    mutating func handleIntake(_ event: LifecycleEvent, _ context: EventContext) throws(LifecycleRefusal) -> LifecycleDecision {
        switch (event, state) {
        case (.filesChanged, .pending):
            return .quiet
        case (.filesChanged, .held(.intake)) where code == .fileChanged || code == .filesMissing:
            // The change is why it is held: a person decides (`retry`); the files are only recorded.
            return .quiet
        case (.filesChanged, .rejected), (.filesChanged, .orphaned), (.filesChanged, .held(.intake)):
            return backToIntake(reason: Reasons.filesChanged)
        case (.filesChanged, .skipped) where isContentFinding:
            // A re-export of a short, silent or cut recording may be the whole call.
            return backToIntake(reason: Reasons.filesChanged)

        case (.filesVanished, .pending):
            guard let identity, identity.isLocked else { return .deleted }
            return move(
                to: .held(.intake), code: .filesMissing, reason: Reasons.filesGoneButOwned(callLabel, clientUniqueId: identity.clientUniqueId))

        case (.stillIncomplete(let why), .pending):
            code = nil
            reason = why
            return .quiet
        case (.awaitingUsers(let why), .pending):
            let first = code != .awaitingUsers
            code = .awaitingUsers
            reason = why
            return first ? LifecycleDecision(effects: .recordTransition) : .quiet

        case (.timedOut(let code, let why), .pending):
            if identity?.isLocked == true { return move(to: .held(.intake), code: code, reason: why) }
            return move(to: code == .orphaned ? .orphaned : .rejected, code: code, reason: why)
        case (.inputRejected(let code, let why), .pending):
            return move(to: .rejected, code: code, reason: why)
        case (.inputHeld(let code, let why), .pending):
            return move(to: .held(.intake), code: code, reason: why)
        case (.inputSkipped(let code, let why), .pending):
            return move(to: .skipped, code: code, reason: why)

        case (.examinationInterrupted(let why), .pending):
            // Held, so that a file that kills the daemon cannot stop every other delivery.
            return move(to: .held(.intake), code: .examinationCrashed, reason: why)

        case (.claimed(let claim), .pending):
            return claimed(claim)

        case (.identityPassed(let row), .rejected), (.identityPassed(let row), .held):
            guard let identity, !identity.isLocked, code != .operatorHold else {
                throw refuse(event, "a recording whose create may have reached Gong, or held by an operator, keeps its clientUniqueId")
            }
            self.identity = nil
            reason = Reasons.identityPassed(reason, clientUniqueId: identity.clientUniqueId, to: row)
            return LifecycleDecision(effects: .recordTransition)

        case (.userMappingChanged, .held(.intake)) where code == .unknownUser || code == .userImportDisabled,
            (.userMappingChanged, .skipped) where code == .unknownUser:
            return move(to: .pending, reason: Reasons.userMappingChanged)
        case (.userMappingChanged, .pending):
            return .quiet

        case (.originalFailed, .duplicate(let original)):
            return move(to: .pending, reason: Reasons.originalFailed(original))

        default:
            throw refuse(event, "intake does not change a recording in this state")
        }
    }

    /// The store found how the claim of the evaluated clientUniqueId came out (``ClaimDecision``).
    private mutating func claimed(_ claim: Claim) -> LifecycleDecision {
        switch claim {
        case .owner(let id):
            if let identity, identity.isLocked, identity.clientUniqueId != id {
                return move(
                    to: .held(.intake), code: .identityChanged,
                    reason: Reasons.identityChanged(to: id, owning: callLabel, under: identity.clientUniqueId))
            }
            var owned = identity ?? Identity(clientUniqueId: id)
            owned.clientUniqueId = id
            identity = owned
            attempts = 0
            failingSince = nil
            if let callId = owned.callId {
                return move(to: .created, reason: Reasons.takenAgain(for: callId))
            }
            return move(to: .ready, reason: nil)
        case .duplicate(let original, let id, let description):
            identity = nil
            return move(to: .duplicate(of: original), reason: Reasons.duplicate(of: description, clientUniqueId: id))
        case .sameAudio(let original, let id, let description):
            identity = nil
            return move(to: .duplicate(of: original), code: .sameAudio, reason: Reasons.sameAudio(as: description, clientUniqueId: id))
        case .erased(let row):
            identity = nil
            return move(to: .skipped, code: .excludedByPolicy, reason: Reasons.sameAsErased(row))
        case .conflict(_, let id, let description):
            identity = nil
            return move(to: .held(.intake), code: .contentConflict, reason: Reasons.contentConflict(clientUniqueId: id, owner: description))
        }
    }
}
