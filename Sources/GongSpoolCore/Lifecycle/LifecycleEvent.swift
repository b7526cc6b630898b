import Foundation

/// What happens to a recording. Intake, delivery and operator commands report events; the
/// lifecycle decides what they mean.
public enum LifecycleEvent: Sendable, Equatable {
    // Intake.
    /// The files differ from those recorded (a `pending` row only records them).
    case filesChanged
    /// The files of a `pending` row are gone.
    case filesVanished
    /// Not finished (header not final, sidecar missing, CDR row not written): the reason.
    case stillIncomplete(reason: String)
    /// The user mapping cannot be consulted yet.
    case awaitingUsers(reason: String)
    /// Half a pair, or never complete, past `spool.orphanAfterMinutes`.
    case timedOut(ErrorCode, reason: String)
    /// Intake found invalid input.
    case inputRejected(ErrorCode, reason: String)
    /// Intake found something a person must settle first (unknown user…).
    case inputHeld(ErrorCode, reason: String)
    /// Intake found a recording not to send as things are (`users.unmapped: skip`).
    case inputSkipped(ErrorCode, reason: String)
    /// The evaluation is done: the claim of its clientUniqueId, as the store found it.
    case claimed(Claim)
    /// This row gives its clientUniqueId to row `to` (it failed before anything was sent).
    case identityPassed(to: Int64)
    /// The users file or Gong's user list changed.
    case userMappingChanged
    /// The original of a `duplicate` failed or was forgotten.
    case originalFailed
    /// The daemon stopped (a trap, an OOM kill) while examining this recording's files.
    case examinationInterrupted(reason: String)

    // Delivery.
    /// The audio can no longer be read.
    case fileUnreadable(ErrorCode, reason: String)
    /// The audio is not the file that was taken (size, mtime or inode differ).
    case fileNotAsTaken(reason: String)
    /// The create is about to be sent.
    case createSending
    /// Gong answered the create.
    case createAnswered(GongOutcome)
    /// The media upload is about to be sent.
    case uploadSending
    /// Gong answered the media upload.
    case uploadAnswered(GongOutcome)
    /// The after-upload step finished; `note` says what happened to the files.
    case afterUploadDone(note: String?)
    /// The after-upload step failed.
    case afterUploadFailed(reason: String)
    /// Sending may resume: the credentials or `gong.baseURL` may have been fixed (a start, a reload).
    case sendingReleased
    /// The row cannot be worked on as stored (no request body, no media kind…).
    case rowInconsistent(reason: String)

    // Reconciliation.
    /// Gong did not list the delivered call in the window of its start.
    case reconciledMissing(callId: String, reason: String)
    /// Gong listed the call after all.
    case reconciledFound(callId: String)

    // Operator.
    /// `gongspool retry`: try again now, attempts reset.
    case retry
    /// `gongspool hold`.
    case hold
    /// `gongspool release`.
    case release
    /// `gongspool accept`: the operator checked the call in Gong.
    case accept
    /// `gongspool forget`: drop the row.
    case forget
    /// `gongspool erase` (audit entry `request`): never sent; its files are deleted next.
    case erase(request: Int64)
    /// The files of an erased recording are gone: its personal data gives way to a tombstone.
    case erasureFinished

    /// The event's name in the lifecycle table.
    public var name: String {
        switch self {
        case .filesChanged: "filesChanged"
        case .filesVanished: "filesVanished"
        case .stillIncomplete: "stillIncomplete"
        case .awaitingUsers: "awaitingUsers"
        case .timedOut: "timedOut"
        case .inputRejected: "inputRejected"
        case .inputHeld: "inputHeld"
        case .inputSkipped: "inputSkipped"
        case .claimed: "claimed"
        case .identityPassed: "identityPassed"
        case .userMappingChanged: "userMappingChanged"
        case .originalFailed: "originalFailed"
        case .examinationInterrupted: "examinationInterrupted"
        case .fileUnreadable: "fileUnreadable"
        case .fileNotAsTaken: "fileNotAsTaken"
        case .createSending: "createSending"
        case .createAnswered: "createAnswered"
        case .uploadSending: "uploadSending"
        case .uploadAnswered: "uploadAnswered"
        case .afterUploadDone: "afterUploadDone"
        case .afterUploadFailed: "afterUploadFailed"
        case .sendingReleased: "sendingReleased"
        case .rowInconsistent: "rowInconsistent"
        case .reconciledMissing: "reconciledMissing"
        case .reconciledFound: "reconciledFound"
        case .retry: "retry"
        case .hold: "hold"
        case .release: "release"
        case .accept: "accept"
        case .forget: "forget"
        case .erase: "erase"
        case .erasureFinished: "erasureFinished"
        }
    }

    /// Who reports the event.
    public var driver: LifecycleDriver {
        switch self {
        case .filesChanged, .filesVanished, .stillIncomplete, .awaitingUsers, .timedOut, .inputRejected, .inputHeld, .inputSkipped,
            .claimed, .identityPassed, .userMappingChanged, .originalFailed, .examinationInterrupted:
            .intake
        case .fileUnreadable, .fileNotAsTaken, .createSending, .createAnswered, .uploadSending, .uploadAnswered,
            .afterUploadDone, .afterUploadFailed, .sendingReleased, .rowInconsistent:
            .delivery
        case .reconciledMissing, .reconciledFound:
            .reconcile
        case .retry, .hold, .release, .accept, .forget, .erase, .erasureFinished:
            .operator
        }
    }
}

/// Who drives an event.
public enum LifecycleDriver: String, Sendable {
    /// `SpoolIntake` (and the store, for claims and duplicates).
    case intake
    /// `RecordingDelivery` and the daemon's start-up.
    case delivery
    /// `gongspool retry|hold|release|accept|forget|erase`.
    case `operator`
    /// `gongspool reconcile` and the daily reconciliation (`gong.reconcile`).
    case reconcile
}

/// How the claim of a clientUniqueId came out, as the store found it in the same transaction.
public enum Claim: Sendable, Equatable {
    /// The row owns `clientUniqueId` (no other row did, or it passed it on).
    case owner(clientUniqueId: String)
    /// Row `of` owns it with the same audio; `description` names that row for operators.
    case duplicate(of: Int64, clientUniqueId: String, description: String)
    /// Row `of` owns it with different audio.
    case conflict(of: Int64, clientUniqueId: String, description: String)
    /// Nobody owns `clientUniqueId`, but row `of` delivered (or is delivering) the same audio
    /// under another one: a re-export under a new name, a second copy.
    case sameAudio(of: Int64, clientUniqueId: String, description: String)
    /// Row `of`, erased on request, owns `clientUniqueId` or had the same audio: never sent.
    case erased(of: Int64)
}

/// An event the recording's state does not allow.
public struct LifecycleRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    /// The state the recording was in.
    public var state: RecordingState
    /// The event refused.
    public var event: String
    /// Why, for operators.
    public var hint: String

    public var description: String { "recording is \(state.rawValue): \(hint)" }
}
