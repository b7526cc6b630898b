/// Why a recording is where it is: one stable, value-free code per cause, stored in the
/// `lastErrorCode` column and the history, used as a metrics label, listed with what an
/// operator does about it in `docs/operations.md` (a test keeps that list complete).
public enum ErrorCode: Sendable, Hashable, CustomStringConvertible, RawRepresentable {
    // Files in the spool.
    /// A path component is a symbolic link (never followed).
    case fileSymlink
    /// Permission denied.
    case filePermission
    /// The file could not be opened.
    case fileOpen
    /// The path leaves the spool.
    case fileOutsideSpool
    /// Not a regular file.
    case fileNotRegular
    /// A read failed.
    case fileRead
    /// The files of a recording that owns a Gong call are gone.
    case filesMissing
    /// The audio changed after it was taken.
    case fileChanged

    // What intake found.
    /// Over Gong's 1.5 GB media limit.
    case mediaTooLarge
    /// Not audio or video GongSpool recognises.
    case notMedia
    /// The media header never became complete.
    case mediaIncomplete
    /// The request built from the sidecar and mappings is invalid.
    case invalidRequest
    /// Several audio files share one sidecar.
    case ambiguousAudio
    /// Half a pair past `spool.orphanAfterMinutes`.
    case orphaned
    /// No Gong user for the rep's extension, e-mail or number.
    case unknownUser
    /// The Gong user may not import telephony calls (known before sending).
    case userImportDisabled
    /// The user mapping cannot be consulted yet (Gong's list not fetched, users file unreadable).
    case awaitingUsers
    /// The clientUniqueId belongs to another recording with different audio.
    case contentConflict
    /// The same audio (SHA-256) as a recording already delivered or being delivered under
    /// another clientUniqueId: not sent again.
    case sameAudio
    /// A recording that owns a Gong call now evaluates to another clientUniqueId.
    case identityChanged
    /// Older than the first start's backfill cutoff.
    case backfill
    /// Shorter than `spool.minDurationSeconds` (Gong would not import it).
    case mediaTooShort
    /// Every channel below `spool.silenceThresholdDb`.
    case mediaSilent
    /// The media is much shorter than the call the PBX says it records.
    case mediaTruncated
    /// A party is on the privacy policy's never-send list (`privacy.neverSend`).
    case excludedByPolicy
    /// The daemon stopped twice (a trap, an OOM kill) while examining the files: held so it
    /// cannot stop delivery again.
    case examinationCrashed

    // Gong's answers.
    /// Gong could not be reached: connection refused, no route, DNS or TLS failure before the
    /// request was written (so nothing was sent and no budget was spent).
    case gongUnreachable
    /// 429: Gong asked to wait.
    case rateLimited
    /// 401/403: the access key was refused.
    case credentialsRejected
    /// A 3xx, 404 on the create, 405 or 415: `gong.baseURL` (or a proxy) does not lead to Gong's API.
    case endpointMisconfigured
    /// 409: the primary user may not import telephony calls.
    case userNotEnabled
    /// 404 on the media upload: Gong does not know the call.
    case unknownCall
    /// A 2xx without the expected callId.
    case malformedSuccess
    /// Any other HTTP status.
    case http(Int)
    /// The request timed out.
    case timeout
    /// The connection could not be made in time.
    case connectTimeout
    /// The connection closed before an answer.
    case connectionClosed
    /// Any other transport failure (refused, reset, TLS…).
    case transportError
    /// The call Gong named already has media that this recording did not send.
    case foreignMedia
    /// Gong holds the same audio on another call.
    case mediaOnOtherCall
    /// Gong holds an earlier version of the audio on this recording's call: an upload of it,
    /// in doubt, reached Gong before the file was rewritten.
    case earlierVersionInGong
    /// 415 on the media upload: Gong will not take this file's media type.
    case mediaTypeRefused
    /// An answer that makes no sense for the request.
    case unexpectedAnswer
    /// Delivered, but Gong did not list the call when reconciled.
    case missingInGong

    // The rest.
    /// `spool.afterUpload` (archive/delete) failed.
    case afterUploadFailed
    /// Held by an operator.
    case operatorHold
    /// Erased on request (`gongspool erase`): never sent, its files deleted, its personal data
    /// replaced by a tombstone.
    case erasedOnRequest
    /// A row the daemon cannot work with (missing request body, media kind…).
    case `internal`

    /// Every code without a parameter, and one HTTP status as the example of `http`.
    public static let catalogue: [ErrorCode] = [
        .fileSymlink, .filePermission, .fileOpen, .fileOutsideSpool, .fileNotRegular, .fileRead, .filesMissing, .fileChanged,
        .mediaTooLarge, .notMedia, .mediaIncomplete, .invalidRequest, .ambiguousAudio, .orphaned, .unknownUser,
        .userImportDisabled, .awaitingUsers, .contentConflict, .sameAudio, .identityChanged, .backfill, .mediaTooShort, .mediaSilent, .mediaTruncated,
        .excludedByPolicy, .examinationCrashed, .gongUnreachable, .rateLimited, .credentialsRejected, .endpointMisconfigured, .userNotEnabled,
        .unknownCall,
        .malformedSuccess, .http(400), .timeout,
        .connectTimeout, .connectionClosed, .transportError, .foreignMedia, .mediaOnOtherCall, .earlierVersionInGong, .mediaTypeRefused,
        .unexpectedAnswer, .missingInGong,
        .afterUploadFailed, .operatorHold, .erasedOnRequest, .internal,
    ]

    /// The stored form (`file_open`, `http_400`).
    public var rawValue: String {
        switch self {
        case .fileSymlink: "file_symlink"
        case .filePermission: "file_permission"
        case .fileOpen: "file_open"
        case .fileOutsideSpool: "file_outside_spool"
        case .fileNotRegular: "file_not_regular"
        case .fileRead: "file_read"
        case .filesMissing: "files_missing"
        case .fileChanged: "file_changed"
        case .mediaTooLarge: "media_too_large"
        case .notMedia: "not_media"
        case .mediaIncomplete: "media_incomplete"
        case .invalidRequest: "invalid_request"
        case .ambiguousAudio: "ambiguous_audio"
        case .orphaned: "orphaned"
        case .unknownUser: "unknown_user"
        case .userImportDisabled: "user_import_disabled"
        case .awaitingUsers: "awaiting_users"
        case .contentConflict: "content_conflict"
        case .sameAudio: "same_audio"
        case .identityChanged: "identity_changed"
        case .backfill: "backfill"
        case .mediaTooShort: "media_too_short"
        case .mediaSilent: "media_silent"
        case .excludedByPolicy: "excluded_by_policy"
        case .erasedOnRequest: "erased_on_request"
        case .mediaTruncated: "media_truncated"
        case .examinationCrashed: "examination_crashed"
        case .rateLimited: "rate_limited"
        case .gongUnreachable: "gong_unreachable"
        case .credentialsRejected: "credentials_rejected"
        case .endpointMisconfigured: "endpoint_misconfigured"
        case .userNotEnabled: "user_not_enabled"
        case .unknownCall: "unknown_call"
        case .malformedSuccess: "malformed_success"
        case .http(let status): "http_\(status)"
        case .timeout: "timeout"
        case .connectTimeout: "connect_timeout"
        case .connectionClosed: "connection_closed"
        case .transportError: "transport_error"
        case .foreignMedia: "foreign_media"
        case .mediaOnOtherCall: "media_on_other_call"
        case .earlierVersionInGong: "earlier_version_in_gong"
        case .mediaTypeRefused: "media_type_refused"
        case .unexpectedAnswer: "unexpected_answer"
        case .missingInGong: "missing_in_gong"
        case .afterUploadFailed: "after_upload_failed"
        case .operatorHold: "operator_hold"
        case .internal: "internal"
        }
    }

    /// The code stored as `rawValue`; unknown text (a newer version's code) is `nil`.
    public init?(rawValue: String) {
        if rawValue.hasPrefix("http_"), let status = Int(rawValue.dropFirst(5)), (100...599).contains(status) {
            self = .http(status)
            return
        }
        guard let code = Self.byName[rawValue] else { return nil }
        self = code
    }

    private static let byName: [String: ErrorCode] = Dictionary(
        uniqueKeysWithValues: catalogue.filter { if case .http = $0 { false } else { true } }.map { ($0.rawValue, $0) })

    public var description: String { rawValue }

    /// Whether the same step may succeed later without anyone acting (backoff and retry).
    public var isRetryable: Bool {
        switch self {
        case .rateLimited, .unknownCall, .malformedSuccess, .timeout, .connectTimeout, .connectionClosed,
            .transportError, .afterUploadFailed, .awaitingUsers, .gongUnreachable:
            true
        case .http(let status):
            status == 408 || (500...599).contains(status)
        default:
            false
        }
    }

    /// File errors that may pass by themselves (permissions being fixed, an NFS hiccup): the
    /// delivery tries again with backoff instead of holding at once.
    public var mayPass: Bool { self == .filePermission || self == .fileOpen || self == .fileRead }

    /// Transport failures that prove the request never left: its daily budget is given back.
    public var neverReachedGong: Bool { self == .gongUnreachable || self == .connectTimeout }

    /// Causes that halt all sending (a person fixes the credentials or `gong.baseURL`).
    public static let haltingCauses: Set<ErrorCode> = [.credentialsRejected, .endpointMisconfigured]

    /// What an operator does about it (the table in `docs/operations.md`).
    public var remedy: String {
        switch self {
        case .fileSymlink, .fileOutsideSpool, .fileNotRegular:
            "The PBX must write regular files inside the spool; fix the layout, then `gongspool retry ID`."
        case .filePermission, .fileOpen, .fileRead:
            "Make the file readable by the service user (or find why the disk fails), then `gongspool retry ID`."
        case .filesMissing:
            "The files of a recording that already owns a Gong call are gone: restore them and `retry`, or `forget` it."
        case .fileChanged:
            "The audio changed after it was taken. Check it; `gongspool retry ID` uploads the files as they are now to the same call."
        case .mediaTooLarge:
            "Gong takes at most 1.5 GB per call: split or re-encode the recording."
        case .notMedia, .mediaIncomplete:
            "The audio is not a complete recording (truncated?): fix or re-export it; a changed file is examined again."
        case .invalidRequest, .ambiguousAudio:
            "Fix the sidecar or the mapping (`gongspool validate PATH` shows the request); a changed file is examined again, or `retry`."
        case .orphaned:
            "Put the missing audio or sidecar next to the other file (it is examined again), or remove the stray file."
        case .unknownUser:
            "Map the extension (users.table, users.file) or add the user in Gong; held recordings are examined again automatically."
        case .userImportDisabled, .userNotEnabled:
            "Enable telephony call import for the user in Gong (or map another user), then `gongspool retry ID`."
        case .awaitingUsers:
            "Nothing, or fix the users file / Gong's user list access: the recording goes on once the mapping can be read."
        case .contentConflict:
            "Two recordings claim one clientUniqueId with different audio: give one its own id (sidecar), then `retry`."
        case .sameAudio:
            "The same audio (byte for byte) was already delivered, or is being delivered, by the recording named in the reason under another clientUniqueId (a re-export under a new name, a second copy): nothing to do. If it is really another call, give it other audio; `gongspool forget ID` drops the row."
        case .identityChanged:
            "The recording owns a Gong call but now maps to another clientUniqueId: restore the old sidecar/mapping, then `retry`."
        case .backfill:
            "Older than the first start (spool.backfill): `gongspool retry ID` sends it anyway."
        case .mediaTooShort:
            "Gong would not import it (under its minimum duration): nothing to do; `gongspool retry ID` sends it anyway. Match spool.minDurationSeconds to the company's Gong setting."
        case .mediaSilent:
            "No voice on any channel: check the PBX's recording settings if many are silent; `gongspool retry ID` sends it anyway."
        case .mediaTruncated:
            "The audio is much shorter than the call: check the PBX's disk and recording; re-export it (examined again), or `gongspool retry ID` sends it as it is."
        case .excludedByPolicy:
            "A party is on the never-send list (privacy.neverSend, or erased on request): never sent, and `retry` does not change that. Remove the number or extension from the list if it is there by mistake, then `retry`."
        case .examinationCrashed:
            "The daemon stopped twice while reading these files (a crash or an out-of-memory kill); the recording was held so it cannot stop delivery again. Check the file (`gongspool validate PATH`), report it with `gongspool show ID`; `gongspool retry ID` tries it once more."
        case .gongUnreachable:
            "Nothing: Gong could not be reached (no request left, no budget spent); retried with backoff. `gongspool status` says since when; if it lasts, check the network, DNS, a proxy or firewall."
        case .rateLimited, .timeout, .connectTimeout, .connectionClosed, .transportError, .malformedSuccess, .unknownCall:
            "Nothing: retried with backoff; held after retry.giveUpAfterHours — then check the network or Gong's status and `retry`."
        case .http(let status) where status == 408 || (500...599).contains(status):
            "Nothing: retried with backoff; held after retry.giveUpAfterHours — then check Gong's status and `retry`."
        case .http:
            "Gong refused the request: read the reason, fix the sidecar, mapping or gong.baseURL, then `retry`."
        case .credentialsRejected:
            "Put a valid access key and secret in place, then `gongspool release --all` or restart the service."
        case .endpointMisconfigured:
            "Gong's API is not where gong.baseURL points (no /v2 at its end; a proxy?): fix it, then restart or `gongspool release --all`."
        case .foreignMedia:
            "Gong's call already had media this recording did not send: check the call in Gong; `gongspool accept ID` if it is this recording."
        case .mediaOnOtherCall:
            "Gong holds this audio on another call (named in the reason): check it; `gongspool accept ID` if that call is this recording."
        case .earlierVersionInGong:
            "An upload of the earlier version of this file reached Gong before the PBX rewrote it, and Gong keeps the first media a call gets. The files are kept. Check the call in Gong: `gongspool accept ID` if that version will do; otherwise delete the call in Gong and give the recording a new clientUniqueId."
        case .mediaTypeRefused:
            "Gong would not take this file's media type (HTTP 415); the files are kept. Convert the recording (e.g. to MP3 or a PCM WAV) under a new name, or `gongspool retry ID` after checking it plays. Two in a row halt sending: then check a proxy or the upload path, and `gongspool release --all`."
        case .unexpectedAnswer, .internal:
            "Report it with `gongspool show ID`; `retry` after a fix."
        case .afterUploadFailed:
            "Gong has the recording; make spool.archiveDirectory (or the spool) writable, then `retry` to finish."
        case .operatorHold:
            "`gongspool release ID` when it may go."
        case .erasedOnRequest:
            "Nothing: erased on request (`gongspool audit` says when and by whom). Never sent again, and neither `retry` nor `forget` changes that; its files are deleted and its personal data replaced by a tombstone."
        case .missingInGong:
            "Gong did not list the call it accepted: check it in Gong; `gongspool retry ID` delivers it again (the files must still be where they were taken; Gong remembers a deleted call's id for hours: if it still answers with it, retry later), `accept ID` keeps it as done."
        }
    }
}
