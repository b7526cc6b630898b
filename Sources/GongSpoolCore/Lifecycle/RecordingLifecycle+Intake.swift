import Foundation

extension RecordingLifecycle {
    /// Events reported by intake (and by the store while it claims an id).
    mutating func handleIntake(_ event: LifecycleEvent, _ context: EventContext) throws(LifecycleRefusal) -> [LifecycleAction] {
        switch (event, state) {
        case (.filesChanged, .pending):
            return []
        case (.filesChanged, .held(.intake)) where code == .fileChanged || code == .filesMissing:
            // The change is why it is held: a person decides (`retry`); the files are only recorded.
            return []
        case (.filesChanged, .rejected), (.filesChanged, .orphaned), (.filesChanged, .held(.intake)):
            return backToIntake(reason: "files changed; examining them again")
        case (.filesChanged, .skipped) where isContentFinding:
            // A re-export of a short, silent or cut recording may be the whole call.
            return backToIntake(reason: "files changed; examining them again")

        case (.filesVanished, .pending):
            guard let identity, identity.isLocked else { return [.deleteRow] }
            return move(to: .held(.intake), code: .filesMissing,
                        reason: "the files are gone, but this recording owns \(callLabel) (clientUniqueId \(identity.clientUniqueId)); restore them and retry, or forget it")

        case (.stillIncomplete(let why), .pending):
            code = nil
            reason = why
            return []
        case (.awaitingUsers(let why), .pending):
            let first = code != .awaitingUsers
            code = .awaitingUsers
            reason = why
            return first ? [.recordTransition] : []

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
            reason = (reason.map { $0 + "; " } ?? "") + "clientUniqueId \(identity.clientUniqueId) passed to recording #\(row)"
            return [.recordTransition]

        case (.userMappingChanged, .held(.intake)) where code == .unknownUser || code == .userImportDisabled,
             (.userMappingChanged, .skipped) where code == .unknownUser:
            return move(to: .pending, reason: "user mapping changed; examining again")
        case (.userMappingChanged, .pending):
            return []

        case (.originalFailed, .duplicate(let original)):
            return move(to: .pending, reason: "the original (recording #\(original.map(String.init) ?? "?")) failed or was forgotten; examining again")

        default:
            throw refuse(event, "intake does not change a recording in this state")
        }
    }

    /// The store found how the claim of the evaluated clientUniqueId came out.
    private mutating func claimed(_ claim: Claim) -> [LifecycleAction] {
        switch claim {
        case .owner(let id):
            if let identity, identity.isLocked, identity.clientUniqueId != id {
                return move(to: .held(.intake), code: .identityChanged,
                            reason: "the files now give clientUniqueId \(id), but this recording owns \(callLabel) under \(identity.clientUniqueId); restore the sidecar or mapping and retry")
            }
            var owned = identity ?? Identity(clientUniqueId: id)
            owned.clientUniqueId = id
            identity = owned
            attempts = 0
            failingSince = nil
            if let callId = owned.callId {
                return move(to: .created, reason: "files taken again for call \(callId)")
            }
            return move(to: .ready, reason: nil)
        case .duplicate(let original, let id, let description):
            identity = nil
            return move(to: .duplicate(of: original), reason: "same recording as \(description) (clientUniqueId \(id)); not sent again")
        case .sameAudio(let original, let id, let description):
            identity = nil
            return move(to: .duplicate(of: original), code: .sameAudio,
                        reason: "the same audio (byte for byte) as \(description); not sent again under clientUniqueId \(id), no request spent")
        case .conflict(_, let id, let description):
            identity = nil
            return move(to: .held(.intake), code: .contentConflict,
                        reason: "content conflict: clientUniqueId \(id) already belongs to \(description) with different audio; give this recording its own id")
        }
    }
}
