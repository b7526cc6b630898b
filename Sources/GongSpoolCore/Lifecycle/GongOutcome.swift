import Foundation

/// What an answer from Gong means, as ``ResponseClassifier`` reads it (reference §6.2, §7, §8):
/// the vocabulary of the delivery events. What each proves is the lifecycle's decision.
public enum GongOutcome: Sendable, Equatable {
    /// POST accepted: a new call.
    case created(callId: String)
    /// POST answered "…has already been posted for the call <id>": the call exists.
    case alreadyCreated(callId: String)
    /// PUT accepted.
    case mediaAccepted
    /// PUT answered "…has already been handled" (`otherCallId` nil: the call has media) or "…same
    /// content has been uploaded in the past… callID with the same content: M" (`otherCallId` M, the
    /// call holding these bytes — maybe ours, maybe not). Neither stored anything.
    case mediaAlreadyThere(otherCallId: String?)
    /// Try again later with backoff (5xx, timeouts, resets, edge errors).
    case retryable(code: ErrorCode, message: String)
    /// 429: wait `retryAfterSeconds` before any request; `note` says why Gong's `Retry-After`
    /// was not taken as it stood (see ``RetryAfter``).
    case rateLimited(retryAfterSeconds: Double, note: String? = nil)
    /// 401/403: stop all sending until a person acts.
    case credentialsRejected(status: Int, message: String)
    /// A 3xx, 404 (create), 405 or 415 (create): not Gong's API as GongSpool speaks to it (a `gong.baseURL`
    /// with `/v2` at the end, a proxy): stop all sending until a person acts.
    case misconfigured(status: Int, message: String)
    /// 409: the primary user may not import telephony calls.
    case userNotEnabled(message: String)
    /// PUT on a callId Gong does not know: resolve the callId again with the create body.
    case unknownCall(message: String)
    /// 415 on the media upload: Gong will not take the file's media type. `repeated` when the
    /// upload before it, of another recording, was refused so too (the upload path is wrong,
    /// not the file: sending halts).
    case mediaTypeRefused(message: String, repeated: Bool)
    /// Gong will never accept this request as it is.
    case permanent(code: ErrorCode, message: String)
}
