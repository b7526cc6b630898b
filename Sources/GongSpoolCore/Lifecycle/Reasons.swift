import Foundation

/// Every sentence the lifecycle writes into a recording's `reason`, in one place: the handlers
/// name what happened, this catalogue says it to the operator (what happened, what was kept, and
/// the command that moves the recording on). The codes that go with them are in ``ErrorCode``.
enum Reasons {
    // MARK: Intake

    static let filesChanged = "files changed; examining them again"
    static let userMappingChanged = "user mapping changed; examining again"

    static func filesGoneButOwned(_ call: String, clientUniqueId: String) -> String {
        "the files are gone, but this recording owns \(call) (clientUniqueId \(clientUniqueId)); restore them and retry, or forget it"
    }

    static func identityPassed(_ earlier: String?, clientUniqueId: String, to row: Int64) -> String {
        (earlier.map { $0 + "; " } ?? "") + "clientUniqueId \(clientUniqueId) passed to recording #\(row)"
    }

    static func originalFailed(_ original: Int64?) -> String {
        "the original (recording #\(original.map(String.init) ?? "?")) failed or was forgotten; examining again"
    }

    static func identityChanged(to id: String, owning call: String, under owned: String) -> String {
        "the files now give clientUniqueId \(id), but this recording owns \(call) under \(owned); restore the sidecar or mapping and retry"
    }

    static func takenAgain(for callId: String) -> String {
        "files taken again for call \(callId)"
    }

    static func duplicate(of description: String, clientUniqueId: String) -> String {
        "same recording as \(description) (clientUniqueId \(clientUniqueId)); not sent again"
    }

    static func sameAudio(as description: String, clientUniqueId: String) -> String {
        "the same audio (byte for byte) as \(description); not sent again under clientUniqueId \(clientUniqueId), no request spent"
    }

    static func contentConflict(clientUniqueId: String, owner description: String) -> String {
        "content conflict: clientUniqueId \(clientUniqueId) already belongs to \(description) with different audio; give this recording its own id"
    }

    // MARK: Delivery

    static func fileUnreadableNow(_ why: String) -> String {
        "audio file cannot be read now (\(why)); trying again"
    }

    static func fileUnreadable(_ why: String) -> String {
        "audio file can no longer be read: \(why)"
    }

    static func fileChanged(_ why: String) -> String {
        "audio changed after it was taken (\(why)); examining it again"
    }

    static func fileChangedOwned(_ why: String, call: String) -> String {
        "audio changed after it was taken (\(why)); this recording owns \(call), so nothing was sent. Check the file; "
            + "`gongspool retry` uploads it as it is now to the same call"
    }

    static func goneCallAnswered(_ callId: String, clientUniqueId: String) -> String {
        "Gong still answers with call \(callId), which it no longer lists, for clientUniqueId \(clientUniqueId) "
            + "(Gong remembers a deleted call's id for hours); `gongspool retry ID` later, or give the recording a new clientUniqueId"
    }

    static func callFound(_ callId: String, clientUniqueId: String, ours: Bool) -> String {
        ours
            ? "call \(callId) found: Gong already had clientUniqueId \(clientUniqueId) from an earlier create of this recording"
            : "adopted call \(callId): Gong already had clientUniqueId \(clientUniqueId) from a request this recording did not send; "
                + "the media upload decides"
    }

    static func unexpected(_ outcome: GongOutcome, to request: String) -> String {
        "unexpected answer to the \(request): \(outcome)"
    }

    static func unexpected(_ outcome: GongOutcome) -> String {
        "unexpected answer from Gong: \(outcome)"
    }

    static func goneCallHoldsAudio(_ other: String, callId: String) -> String {
        "Gong still knows this audio as call \(other), which it no longer lists (Gong remembers a deleted call's audio for hours); "
            + "`gongspool retry ID` later uploads it to call \(callId)"
    }

    static func mediaOnOtherCall(_ other: String, callId: String) -> String {
        "Gong already holds this audio on call \(other), not on this recording's call \(callId) (which has no media from it); "
            + "check call \(other) in Gong, then `gongspool accept` if it is this recording"
    }

    static func foreignMedia(_ callId: String) -> String {
        "call \(callId) already has media that this recording did not send (Gong: already handled); "
            + "check the call in Gong, then `gongspool accept` if it is this recording"
    }

    static func earlierVersionInGong(_ callId: String) -> String {
        "Gong holds an earlier version of this audio on call \(callId): an upload of it reached Gong before the file was rewritten "
            + "(Gong: already handled); these bytes were not stored and the files are kept — check the call, `gongspool accept` if that version will do"
    }

    static func mediaAlreadyThere(proof: String) -> String {
        "Gong already had the media (\(proof))"
    }

    static func unknownCall(_ callId: String, _ message: String) -> String {
        "Gong does not know call \(callId) (deleted?): \(message); asking Gong for the call of this clientUniqueId again"
    }

    static func mediaTypeRefused(_ message: String) -> String {
        "Gong will not take this file's media type (HTTP 415: \(message)); the files are kept — convert the recording, "
            + "or `gongspool retry` after checking it plays"
    }

    static func mediaTypeRefusedTwice(_ message: String) -> String {
        "a second recording in a row refused as a media type Gong will not take: \(message)"
    }

    static func afterUploadFailed(_ why: String) -> String {
        "after-upload action failed: \(why)"
    }

    static let sendingReleased = "released: the credentials or gong.baseURL may have been fixed"

    static func inconsistent(_ why: String) -> String {
        "internal: \(why)"
    }

    static func rateLimited(_ seconds: Double, note: String?) -> String {
        "rate limited by Gong; retrying after \(Bounded.text(seconds.rounded(.up))) s" + (note.map { " (\($0))" } ?? "")
    }

    static func credentialsRejected(status: Int, _ message: String) -> String {
        status == 403
            ? "refused by Gong (HTTP 403): \(message) — with an access key most likely an IP allow-list in Gong's API settings "
                + "without this server, or an API not enabled for the company"
            : "credentials rejected (HTTP \(status)): \(message)"
    }

    static func misconfigured(status: Int, phase: Phase, _ message: String) -> String {
        let request = phase == .create ? "POST /v2/calls" : "PUT /v2/calls/{id}/media"
        return "HTTP \(status) from \(request): not Gong's API as configured — check gong.baseURL (no /v2 at its end) and any proxy (\(message))"
    }

    static func userNotEnabled(_ message: String) -> String {
        "Gong refused the primary user (HTTP 409): \(message)"
    }

    static func refused(_ code: ErrorCode, _ message: String) -> String {
        "Gong refused the request (\(code)): \(message)"
    }

    static func gaveUp(afterSeconds seconds: Double, last message: String) -> String {
        "gave up after \((seconds / 360).rounded() / 10) h of failures; last: \(message)"
    }

    // MARK: Operator and reconciliation

    static let retried = "retry requested by operator"
    static let retriedWaivingChecks = "retry requested by operator: sent however short, silent or cut"
    static let held = "held by operator"
    static let released = "released by operator"
    static let acceptedAsListed = "accepted by operator: the call is in Gong after all"
    static let listedAgain = "listed by Gong when reconciled again"

    static func retriedMissing(_ gone: String) -> String {
        "retry requested by operator: Gong did not list call \(gone); delivering it again"
    }

    static func accepted(_ checked: String) -> String {
        "accepted by operator (files kept): \(checked)"
    }

    /// What an erased recording's history lines say instead of their reasons.
    static let erasedOnRequest = "erased on request"
    private static let deletingFiles = ": never sent; its files are being deleted"

    static func erasing(_ request: Int64) -> String {
        "\(erasedOnRequest) (gongspool audit #\(request))" + deletingFiles
    }

    /// The reason of an erased recording whose files are gone (``erasing(_:)`` without its end).
    static func erased(_ erasing: String?) -> String {
        guard let erasing, erasing.hasSuffix(deletingFiles) else { return erasedOnRequest }
        return String(erasing.dropLast(deletingFiles.count))
    }

    static func sameAsErased(_ row: Int64) -> String {
        "the same clientUniqueId or audio as recording #\(row), erased on request: never sent (privacy policy)"
    }
}
