import Foundation

extension Recording {
    /// The lifecycle this row stores.
    public var lifecycle: RecordingLifecycle {
        let phase = self.phase ?? legacyPhase
        let lifecycleState: LifecycleState =
            switch state {
            case .pending: .pending
            case .ready: .ready
            case .creating: .creating
            case .created: .created
            case .uploading: .uploading
            case .uploaded: .uploaded
            case .done: .done
            case .waiting: .waiting(phase, until: nextAttemptAt ?? .distantPast)
            case .held: .held(phase)
            case .rejected: .rejected
            case .orphaned: .orphaned
            case .duplicate: .duplicate(of: duplicateOf)
            case .skipped: .skipped
            case .missing: .missing
            }
        let identity = clientUniqueId.map {
            Identity(
                clientUniqueId: $0, callId: callId, createsInDoubt: createsInDoubt, uploadsInDoubt: uploadsInDoubt,
                uploadDigestsInDoubt: (uploadDigestsInDoubt ?? "").split(separator: ",").map(String.init), goneCallId: goneCallId)
        }
        return RecordingLifecycle(
            state: lifecycleState, identity: identity, code: lastErrorCode, reason: reason,
            attempts: attempts, failingSince: failingSince, checksWaived: checksWaived, audioSHA256: sha256)
    }

    /// The row as a party to a claim (``ClaimDecision``).
    public var claimParty: ClaimParty {
        ClaimParty(id: id ?? 0, lifecycle: lifecycle, sha256: sha256, path: audioPath ?? stem)
    }

    /// Rows written before phases were stored: where a waiting or held row resumes.
    private var legacyPhase: Phase {
        if clientUniqueId == nil { return .intake }
        if lastErrorCode == .afterUploadFailed { return .finish }
        return callId == nil ? .create : .upload
    }

    /// Writes `lifecycle` into the row's columns.
    mutating func store(_ lifecycle: RecordingLifecycle) {
        state = lifecycle.state.name
        phase = nil
        nextAttemptAt = nil
        duplicateOf = nil
        switch lifecycle.state {
        case .waiting(let resume, let until):
            phase = resume
            nextAttemptAt = until
        case .held(let resume):
            phase = resume
        case .duplicate(let original):
            duplicateOf = original
        default:
            break
        }
        clientUniqueId = lifecycle.identity?.clientUniqueId
        callId = lifecycle.identity?.callId
        createsInDoubt = lifecycle.identity?.createsInDoubt ?? 0
        uploadsInDoubt = lifecycle.identity?.uploadsInDoubt ?? 0
        uploadDigestsInDoubt = lifecycle.identity.flatMap { $0.uploadDigestsInDoubt.isEmpty ? nil : $0.uploadDigestsInDoubt.joined(separator: ",") }
        goneCallId = lifecycle.identity?.goneCallId
        lastErrorCode = lifecycle.code
        reason = lifecycle.reason
        attempts = lifecycle.attempts
        failingSince = lifecycle.failingSince
        checksWaived = lifecycle.checksWaived
    }
}
