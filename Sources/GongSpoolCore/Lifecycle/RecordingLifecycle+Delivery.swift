import Foundation

extension RecordingLifecycle {
    /// Events reported by delivery workers (and the daemon's start-up).
    mutating func handleDelivery(_ event: LifecycleEvent, _ context: EventContext) throws(LifecycleRefusal) -> [LifecycleAction] {
        switch event {
        case .fileUnreadable(let code, let why):
            guard let phase = state.phase, phase != .finish, deliveryStep != nil else { throw refuse(event, "no upload is due") }
            if code.mayPass {
                // An NFS hiccup, permissions being fixed: tried again with backoff, held only
                // after retry.giveUpAfterHours.
                return retryLater(phase, code: code, message: "audio file cannot be read now (\(why)); trying again", context)
            }
            return move(to: .held(phase), code: code, reason: "audio file can no longer be read: \(why)")

        case .fileNotAsTaken(let why):
            guard let phase = state.phase, phase != .finish, deliveryStep != nil else { throw refuse(event, "no upload is due") }
            guard identity?.isLocked == true else {
                return backToIntake(code: .fileChanged, reason: "audio changed after it was taken (\(why)); examining it again")
            }
            return move(to: .held(.intake), code: .fileChanged,
                        reason: "audio changed after it was taken (\(why)); this recording owns \(callLabel), so nothing was sent. Check the file; `gongspool retry` uploads it as it is now to the same call")

        case .createSending:
            guard deliveryStep == .create, var owned = identity else { throw refuse(event, "no create is due") }
            owned.createsInDoubt += 1
            identity = owned
            attempts += 1
            return move(to: .creating, reason: nil) + [.post]

        case .createAnswered(let outcome):
            guard state == .creating, var owned = identity else { throw refuse(event, "no create was sent") }
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
                return move(to: .held(.create), code: .missingInGong,
                            reason: "Gong still answers with call \(callId), which it no longer lists, for clientUniqueId \(owned.clientUniqueId) "
                                + "(Gong remembers a deleted call's id for hours); `gongspool retry ID` later, or give the recording a new clientUniqueId")
            case .alreadyCreated(let callId):
                // This request created nothing; the call is ours only if an earlier create of ours may have made it.
                let ours = owned.createsInDoubt > 1
                owned.callId = callId
                owned.createsInDoubt = 0
                identity = owned
                failingSince = nil
                return move(to: .created, reason: ours
                    ? "call \(callId) found: Gong already had clientUniqueId \(owned.clientUniqueId) from an earlier create of this recording"
                    : "adopted call \(callId): Gong already had clientUniqueId \(owned.clientUniqueId) from a request this recording did not send; the media upload decides")
            case .mediaAccepted, .mediaAlreadyThere, .unknownCall, .mediaTypeRefused:
                return move(to: .held(.create), code: .unexpectedAnswer, reason: "unexpected answer to the create: \(outcome)")
            default:
                return failed(outcome, phase: .create, context)
            }

        case .uploadSending:
            guard deliveryStep == .upload, var owned = identity, let callId = owned.callId else { throw refuse(event, "no upload is due") }
            owned.uploadsInDoubt += 1
            owned.uploadDigestsInDoubt.append(audioSHA256 ?? "unknown")
            identity = owned
            attempts += 1
            return move(to: .uploading, reason: nil) + [.put(callId: callId)]

        case .uploadAnswered(let outcome):
            guard state == .uploading, var owned = identity, let callId = owned.callId else { throw refuse(event, "no upload was sent") }
            switch outcome {
            case .mediaAccepted:
                owned.uploadsSettled()
                identity = owned
                failingSince = nil
                return move(to: .uploaded, reason: nil) + [.afterUpload]
            case .mediaAlreadyThere(let other):
                // This request stored nothing. Delivered only if Gong's answer proves the media is ours.
                let earlierUpload = owned.uploadsInDoubt > 1
                let sameBytes = owned.earlierUploadsCarried(audioSHA256)
                owned.uploadSettled()
                identity = owned
                if let other, other != callId, other == owned.goneCallId {
                    return move(to: .held(.upload), code: .missingInGong,
                                reason: "Gong still knows this audio as call \(other), which it no longer lists (Gong remembers a deleted call's audio for hours); "
                                    + "`gongspool retry ID` later uploads it to call \(callId)")
                }
                if let other, other != callId {
                    return move(to: .held(.upload), code: .mediaOnOtherCall,
                                reason: "Gong already holds this audio on call \(other), not on this recording's call \(callId) (which has no media from it); check call \(other) in Gong, then `gongspool accept` if it is this recording")
                }
                if other == nil && !earlierUpload {
                    return move(to: .held(.upload), code: .foreignMedia,
                                reason: "call \(callId) already has media that this recording did not send (Gong: already handled); check the call in Gong, then `gongspool accept` if it is this recording")
                }
                if other == nil && !sameBytes {
                    // An upload in doubt proves only the bytes it carried: Gong keeps the first.
                    return move(to: .held(.upload), code: .earlierVersionInGong,
                                reason: "Gong holds an earlier version of this audio on call \(callId): an upload of it reached Gong before the file was rewritten "
                                    + "(Gong: already handled); these bytes were not stored and the files are kept — check the call, `gongspool accept` if that version will do")
                }
                owned.uploadsSettled()
                identity = owned
                failingSince = nil
                let proof = other == nil ? "an earlier upload of this recording" : "the same audio on call \(callId)"
                return move(to: .uploaded, reason: "Gong already had the media (\(proof))") + [.afterUpload]
            case .unknownCall(let message):
                // Gong does not know the call (deleted?): it is gone. The create resolves the id
                // again; an answer naming this call then holds the recording instead of looping.
                owned.callId = nil
                owned.goneCallId = callId
                owned.uploadsSettled()
                identity = owned
                return failed(.retryable(code: .unknownCall, message: "Gong does not know call \(callId) (deleted?): \(message); asking Gong for the call of this clientUniqueId again"),
                              phase: .create, context)
            case .mediaTypeRefused(let message, repeated: false):
                // One file's media type: this recording's problem, not a reason to stop sending.
                owned.uploadSettled()
                identity = owned
                return move(to: .held(.upload), code: .mediaTypeRefused,
                            reason: "Gong will not take this file's media type (HTTP 415: \(message)); the files are kept — convert the recording, or `gongspool retry` after checking it plays")
            case .mediaTypeRefused(let message, repeated: true):
                return failed(.misconfigured(status: 415, message: "a second recording in a row refused as a media type Gong will not take: \(message)"), phase: .upload, context)
            case .created, .alreadyCreated:
                return move(to: .held(.upload), code: .unexpectedAnswer, reason: "unexpected answer to the media upload: \(outcome)")
            default:
                return failed(outcome, phase: .upload, context)
            }

        case .afterUploadDone(let note):
            guard deliveryStep == .finish else { throw refuse(event, "nothing was uploaded") }
            failingSince = nil
            return move(to: .done, reason: note)

        case .afterUploadFailed(let why):
            guard deliveryStep == .finish else { throw refuse(event, "nothing was uploaded") }
            attempts += 1
            return retryLater(.finish, code: .afterUploadFailed, message: "after-upload action failed: \(why)", context)

        case .sendingReleased:
            guard case .held(let phase) = state, code == .credentialsRejected || code == .endpointMisconfigured else {
                throw refuse(event, "not held because sending was halted")
            }
            failingSince = nil
            return move(to: resumed(phase), reason: "released: the credentials or gong.baseURL may have been fixed")

        case .rowInconsistent(let why):
            guard let phase = deliveryStep else { throw refuse(event, "not in delivery") }
            return move(to: .held(phase), code: .internal, reason: "internal: \(why)")

        default:
            throw refuse(event, "not a delivery event")
        }
    }

    /// A failed request in `phase`: back off, wait, hold or reject as Gong's answer says.
    private mutating func failed(_ outcome: GongOutcome, phase: Phase, _ context: EventContext) -> [LifecycleAction] {
        let before: LifecycleState = phase == .create ? .ready : .created
        switch outcome {
        case .rateLimited(let seconds, let note):
            settled(phase)
            attempts = max(0, attempts - 1)
            let why = "rate limited by Gong; retrying after \(Bounded.text(seconds.rounded(.up))) s" + (note.map { " (\($0))" } ?? "")
            return move(to: before, code: .rateLimited, reason: why) + [.pauseSending(seconds: seconds, note: note)]
        case .credentialsRejected(let status, let message):
            settled(phase)
            attempts = max(0, attempts - 1)
            let why = status == 403
                ? "refused by Gong (HTTP 403): \(message) — with an access key most likely an IP allow-list in Gong's API settings without this server, or an API not enabled for the company"
                : "credentials rejected (HTTP \(status)): \(message)"
            return move(to: .held(phase), code: .credentialsRejected, reason: why) + [.haltSending(reason: why)]
        case .misconfigured(let status, let message):
            settled(phase)
            attempts = max(0, attempts - 1)
            let why = "HTTP \(status) from \(phase == .create ? "POST /v2/calls" : "PUT /v2/calls/{id}/media"): not Gong's API as configured — check gong.baseURL (no /v2 at its end) and any proxy (\(message))"
            return move(to: .held(phase), code: .endpointMisconfigured, reason: why) + [.haltSending(reason: why)]
        case .userNotEnabled(let message):
            settled(phase)
            return move(to: .held(phase), code: .userNotEnabled, reason: "Gong refused the primary user (HTTP 409): \(message)")
        case .permanent(let code, let message):
            settled(phase)
            return move(to: .rejected, code: code, reason: "Gong refused the request (\(code)): \(message)")
        case .retryable(let code, let message) where code.neverReachedGong:
            // The request never left (refused, no route, DNS, TLS, connect timeout): nothing is
            // in doubt, and an outage however long is waited out, never given up on.
            settled(phase)
            return retryLater(phase, code: code, message: message, context, givesUp: false)
        case .retryable(let code, let message):
            return retryLater(phase, code: code, message: message, context)
        default:
            return move(to: .held(phase), code: .unexpectedAnswer, reason: "unexpected answer from Gong: \(outcome)")
        }
    }

    /// Gong's answer proves the request did nothing: it is no longer in doubt.
    private mutating func settled(_ phase: Phase) {
        guard var owned = identity else { return }
        if phase == .create { owned.createsInDoubt = max(0, owned.createsInDoubt - 1) }
        if phase == .upload { owned.uploadSettled() }
        identity = owned
    }

    /// Waits with backoff, or (when it `givesUp`) holds once the step has failed for
    /// `retry.giveUpAfterHours`.
    private mutating func retryLater(_ phase: Phase, code: ErrorCode, message: String, _ context: EventContext, givesUp: Bool = true) -> [LifecycleAction] {
        let since = failingSince ?? context.now
        failingSince = since
        let policy = context.policy
        if givesUp, context.now.timeIntervalSince(since) >= policy.giveUpAfterSeconds {
            let hours = (policy.giveUpAfterSeconds / 360).rounded() / 10
            return move(to: .held(phase), code: code, reason: "gave up after \(hours) h of failures; last: \(message)")
        }
        let delay = Backoff.delay(attempt: max(1, attempts), initial: policy.initialBackoffSeconds,
                                  maximum: policy.maxBackoffSeconds, unit: context.jitter)
        let at = context.now.addingTimeInterval(delay)
        return move(to: .waiting(phase, until: at), code: code, reason: message) + [.retryAt(at)]
    }
}
