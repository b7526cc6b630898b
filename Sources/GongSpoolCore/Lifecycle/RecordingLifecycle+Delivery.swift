import Foundation

extension RecordingLifecycle {
    /// Events reported by delivery workers (and the daemon's start-up).
    mutating func handleDelivery(_ event: LifecycleEvent, _ context: EventContext) throws(LifecycleRefusal) -> LifecycleDecision {
        switch event {
        case .fileUnreadable(let code, let why):
            guard let phase = state.phase, phase != .finish, deliveryStep != nil else { throw refuse(event, "no upload is due") }
            // An NFS hiccup, permissions being fixed: tried again with backoff, held only after
            // retry.giveUpAfterHours.
            if code.mayPass { return retryLater(phase, code: code, message: Reasons.fileUnreadableNow(why), context) }
            return move(to: .held(phase), code: code, reason: Reasons.fileUnreadable(why))

        case .fileNotAsTaken(let why):
            guard let phase = state.phase, phase != .finish, deliveryStep != nil else { throw refuse(event, "no upload is due") }
            guard identity?.isLocked == true else { return backToIntake(code: .fileChanged, reason: Reasons.fileChanged(why)) }
            return move(to: .held(.intake), code: .fileChanged, reason: Reasons.fileChangedOwned(why, call: callLabel))

        case .createSending:
            guard deliveryStep == .create, var owned = identity else { throw refuse(event, "no create is due") }
            owned.createsInDoubt += 1
            identity = owned
            attempts += 1
            return move(to: .creating, reason: nil).then(.post)

        case .createAnswered(let outcome):
            guard state == .creating, let owned = identity else { throw refuse(event, "no create was sent") }
            return createAnswered(outcome, owned, context)

        case .uploadSending:
            guard deliveryStep == .upload, var owned = identity, let callId = owned.callId else { throw refuse(event, "no upload is due") }
            owned.uploadsInDoubt += 1
            owned.uploadDigestsInDoubt.append(audioSHA256 ?? "unknown")
            identity = owned
            attempts += 1
            return move(to: .uploading, reason: nil).then(.put(callId: callId))

        case .uploadAnswered(let outcome):
            guard state == .uploading, let owned = identity, let callId = owned.callId else { throw refuse(event, "no upload was sent") }
            return uploadAnswered(outcome, owned, callId: callId, context)

        case .afterUploadDone(let note):
            guard deliveryStep == .finish else { throw refuse(event, "nothing was uploaded") }
            failingSince = nil
            return move(to: .done, reason: note)

        case .afterUploadFailed(let why):
            guard deliveryStep == .finish else { throw refuse(event, "nothing was uploaded") }
            attempts += 1
            return retryLater(.finish, code: .afterUploadFailed, message: Reasons.afterUploadFailed(why), context)

        case .sendingReleased:
            guard case .held(let phase) = state, let code, ErrorCode.haltingCauses.contains(code) else {
                throw refuse(event, "not held because sending was halted")
            }
            failingSince = nil
            return move(to: resumed(phase), reason: Reasons.sendingReleased)

        case .rowInconsistent(let why):
            guard let phase = deliveryStep else { throw refuse(event, "not in delivery") }
            return move(to: .held(phase), code: .internal, reason: Reasons.inconsistent(why))

        default:
            throw refuse(event, "not a delivery event")
        }
    }

    /// Gong answered the create this recording sent.
    private mutating func createAnswered(_ outcome: GongOutcome, _ owned: Identity, _ context: EventContext) -> LifecycleDecision {
        var owned = owned
        switch outcome {
        case .created(let callId):
            owned.callId = callId
            owned.createsInDoubt = 0
            // A call made just now holds no earlier upload of ours.
            owned.uploadsSettled()
            identity = owned
            failingSince = nil
            return move(to: .created, reason: nil)
        case .alreadyCreated(let callId) where callId == owned.goneCallId:
            // Gong still maps the id to the call it no longer lists: nothing was created.
            owned.createsInDoubt = 0
            identity = owned
            return move(to: .held(.create), code: .missingInGong, reason: Reasons.goneCallAnswered(callId, clientUniqueId: owned.clientUniqueId))
        case .alreadyCreated(let callId):
            // This request created nothing; the call is ours only if an earlier create of ours may have made it.
            let ours = owned.createsInDoubt > 1
            owned.callId = callId
            owned.createsInDoubt = 0
            identity = owned
            failingSince = nil
            return move(to: .created, reason: Reasons.callFound(callId, clientUniqueId: owned.clientUniqueId, ours: ours))
        case .mediaAccepted, .mediaAlreadyThere, .unknownCall, .mediaTypeRefused:
            return move(to: .held(.create), code: .unexpectedAnswer, reason: Reasons.unexpected(outcome, to: "create"))
        default:
            return failed(outcome, phase: .create, context)
        }
    }

    /// Gong answered the media upload this recording sent to `callId`.
    private mutating func uploadAnswered(_ outcome: GongOutcome, _ owned: Identity, callId: String, _ context: EventContext) -> LifecycleDecision {
        var owned = owned
        switch outcome {
        case .mediaAccepted:
            owned.uploadsSettled()
            identity = owned
            failingSince = nil
            return move(to: .uploaded, reason: nil)
        case .mediaAlreadyThere(let other):
            return mediaAlreadyThere(other, owned, callId: callId)
        case .unknownCall(let message):
            // Gong does not know the call (deleted?): it is gone. The create resolves the id
            // again; an answer naming this call then holds the recording instead of looping.
            owned.callId = nil
            owned.goneCallId = callId
            owned.uploadsSettled()
            identity = owned
            return failed(.retryable(code: .unknownCall, message: Reasons.unknownCall(callId, message)), phase: .create, context)
        case .mediaTypeRefused(let message, repeated: false):
            // One file's media type: this recording's problem, not a reason to stop sending.
            owned.uploadSettled()
            identity = owned
            return move(to: .held(.upload), code: .mediaTypeRefused, reason: Reasons.mediaTypeRefused(message))
        case .mediaTypeRefused(let message, repeated: true):
            return failed(.misconfigured(status: 415, message: Reasons.mediaTypeRefusedTwice(message)), phase: .upload, context)
        case .created, .alreadyCreated:
            return move(to: .held(.upload), code: .unexpectedAnswer, reason: Reasons.unexpected(outcome, to: "media upload"))
        default:
            return failed(outcome, phase: .upload, context)
        }
    }

    /// "Already handled" (`other` nil) or "same content … callID `other`": this request stored
    /// nothing, and the recording is delivered only if the answer proves the media is ours.
    private mutating func mediaAlreadyThere(_ other: String?, _ owned: Identity, callId: String) -> LifecycleDecision {
        var owned = owned
        let earlierUpload = owned.uploadsInDoubt > 1
        let sameBytes = owned.earlierUploadsCarried(audioSHA256)
        owned.uploadSettled()
        identity = owned
        if let other, other != callId, other == owned.goneCallId {
            return move(to: .held(.upload), code: .missingInGong, reason: Reasons.goneCallHoldsAudio(other, callId: callId))
        }
        if let other, other != callId {
            return move(to: .held(.upload), code: .mediaOnOtherCall, reason: Reasons.mediaOnOtherCall(other, callId: callId))
        }
        if other == nil && !earlierUpload {
            return move(to: .held(.upload), code: .foreignMedia, reason: Reasons.foreignMedia(callId))
        }
        if other == nil && !sameBytes {
            // An upload in doubt proves only the bytes it carried: Gong keeps the first.
            return move(to: .held(.upload), code: .earlierVersionInGong, reason: Reasons.earlierVersionInGong(callId))
        }
        owned.uploadsSettled()
        identity = owned
        failingSince = nil
        let proof = other == nil ? "an earlier upload of this recording" : "the same audio on call \(callId)"
        return move(to: .uploaded, reason: Reasons.mediaAlreadyThere(proof: proof))
    }

    /// A failed request in `phase`: back off, wait, hold or reject as Gong's answer says.
    private mutating func failed(_ outcome: GongOutcome, phase: Phase, _ context: EventContext) -> LifecycleDecision {
        let before: LifecycleState = phase == .create ? .ready : .created
        switch outcome {
        case .rateLimited(let seconds, let note):
            settled(phase, counted: false)
            return move(to: before, code: .rateLimited, reason: Reasons.rateLimited(seconds, note: note)).then(
                .pauseSending(seconds: seconds, note: note))
        case .credentialsRejected(let status, let message):
            settled(phase, counted: false)
            let why = Reasons.credentialsRejected(status: status, message)
            return move(to: .held(phase), code: .credentialsRejected, reason: why).then(.haltSending(reason: why))
        case .misconfigured(let status, let message):
            settled(phase, counted: false)
            let why = Reasons.misconfigured(status: status, phase: phase, message)
            return move(to: .held(phase), code: .endpointMisconfigured, reason: why).then(.haltSending(reason: why))
        case .userNotEnabled(let message):
            settled(phase)
            return move(to: .held(phase), code: .userNotEnabled, reason: Reasons.userNotEnabled(message))
        case .permanent(let code, let message):
            settled(phase)
            return move(to: .rejected, code: code, reason: Reasons.refused(code, message))
        case .retryable(let code, let message) where code.neverReachedGong:
            // The request never left (refused, no route, DNS, TLS, connect timeout): nothing is
            // in doubt, and an outage however long is waited out, never given up on.
            settled(phase)
            return retryLater(phase, code: code, message: message, context, givesUp: false)
        case .retryable(let code, let message):
            return retryLater(phase, code: code, message: message, context)
        default:
            return move(to: .held(phase), code: .unexpectedAnswer, reason: Reasons.unexpected(outcome))
        }
    }

    /// Gong's answer proves the request did nothing: it is no longer in doubt. `counted: false`
    /// when the attempt does not count either (a 429, a halt: nothing wrong with the recording).
    private mutating func settled(_ phase: Phase, counted: Bool = true) {
        if !counted { attempts = max(0, attempts - 1) }
        guard var owned = identity else { return }
        if phase == .create { owned.createsInDoubt = max(0, owned.createsInDoubt - 1) }
        if phase == .upload { owned.uploadSettled() }
        identity = owned
    }

    /// Waits with backoff, or (when it `givesUp`) holds once the step has failed for
    /// `retry.giveUpAfterHours`.
    private mutating func retryLater(_ phase: Phase, code: ErrorCode, message: String, _ context: EventContext, givesUp: Bool = true)
        -> LifecycleDecision
    {
        let since = failingSince ?? context.now
        failingSince = since
        let policy = context.policy
        if givesUp, context.now.timeIntervalSince(since) >= policy.giveUpAfterSeconds {
            return move(to: .held(phase), code: code, reason: Reasons.gaveUp(afterSeconds: policy.giveUpAfterSeconds, last: message))
        }
        let delay = Backoff.delay(
            attempt: max(1, attempts), initial: policy.initialBackoffSeconds,
            maximum: policy.maxBackoffSeconds, unit: context.jitter)
        return move(to: .waiting(phase, until: context.now.addingTimeInterval(delay)), code: code, reason: message)
    }
}
