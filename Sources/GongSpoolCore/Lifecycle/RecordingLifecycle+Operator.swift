import Foundation

extension RecordingLifecycle {
    /// Events from `gongspool retry|hold|release|accept|forget`.
    mutating func handleOperator(_ event: LifecycleEvent, _ context: EventContext) throws(LifecycleRefusal) -> LifecycleDecision {
        if isErased { return try handleErased(event) }
        switch (event, state) {
        case (.retry, .held(let phase)), (.retry, .waiting(let phase, _)):
            restart()
            if resumed(phase) == .pending { return backToIntake(reason: Reasons.retried) }
            return move(to: resumed(phase), reason: Reasons.retried)
        case (.retry, .rejected), (.retry, .orphaned), (.retry, .skipped), (.retry, .duplicate):
            restart()
            return backToIntake(reason: isContentFinding ? Reasons.retriedWaivingChecks : Reasons.retried)
        case (.retry, .missing):
            // Delivered once but no longer listed: created again under the same clientUniqueId.
            // Gong remembers a deleted call's id and audio for hours; an answer naming that call
            // proves nothing now, so it is remembered as gone (the delivery step holds on it).
            guard var owned = identity, let gone = owned.callId else { throw refuse(event, "the recording owns no call") }
            owned.goneCallId = gone
            owned.callId = nil
            owned.createsInDoubt = 0
            owned.uploadsInDoubt = 0
            identity = owned
            restart()
            return move(to: .ready, reason: Reasons.retriedMissing(gone))
        case (.retry, _):
            throw refuse(event, "only held, waiting, rejected, orphaned, skipped, duplicate or missing recordings can be retried")

        case (.hold, .pending), (.hold, .ready), (.hold, .created), (.hold, .uploaded), (.hold, .waiting):
            return move(to: .held(state.phase ?? .intake), code: .operatorHold, reason: Reasons.held)
        case (.hold, .creating), (.hold, .uploading):
            throw refuse(event, "a request is on the wire; try again in a moment")
        case (.hold, _):
            throw refuse(event, "nothing to hold")

        case (.release, .held(let phase)):
            failingSince = nil
            if isContentFinding { checksWaived = true }
            if resumed(phase) == .pending { return backToIntake(reason: Reasons.released) }
            return move(to: resumed(phase), reason: Reasons.released)
        case (.release, _):
            throw refuse(event, "only held recordings can be released")

        case (.accept, .held) where code == .foreignMedia || code == .mediaOnOtherCall:
            return move(to: .done, reason: Reasons.accepted(reason ?? ""))
        case (.accept, .missing):
            return move(to: .done, reason: Reasons.acceptedAsListed)
        case (.accept, _):
            throw refuse(event, "only missing recordings, or held for foreign_media or media_on_other_call, can be accepted")

        case (.forget, .creating), (.forget, .uploading):
            throw refuse(event, "a request is on the wire; hold it first")
        case (.forget, _):
            return LifecycleDecision(effects: [.deleteRow, .reexamineDuplicates])

        case (.erase, .creating), (.erase, .uploading), (.erase, .uploaded):
            throw refuse(event, "a request is on the wire, or the delivery is being finished; run erase again in a moment")
        case (.erase(let request), _):
            // The identity stays: a re-export with the same clientUniqueId or audio finds the
            // tombstone and is not sent (``ClaimDecision``).
            return move(to: .skipped, code: .erasedOnRequest, reason: Reasons.erasing(request))
        case (.erasureFinished, _):
            throw refuse(event, "not erased")

        default:
            throw refuse(event, "not an operator action")
        }
    }

    /// An erased recording: its files go, then its personal data; nothing brings it back.
    private mutating func handleErased(_ event: LifecycleEvent) throws(LifecycleRefusal) -> LifecycleDecision {
        switch event {
        case .erasureFinished:
            reason = Reasons.erased(reason)
            return LifecycleDecision(effects: [.recordTransition, .erasePersonalData])
        case .erase:
            throw refuse(event, "already erased")
        default:
            throw refuse(event, "erased on request: never sent again, and its tombstone keeps a re-export from being sent")
        }
    }

    /// An operator's retry: a fresh streak, and their word against the content checks.
    private mutating func restart() {
        attempts = 0
        failingSince = nil
        if isContentFinding { checksWaived = true }
    }

    /// Erased on request (``LifecycleEvent/erase(request:)``).
    var isErased: Bool { code == .erasedOnRequest }
}
