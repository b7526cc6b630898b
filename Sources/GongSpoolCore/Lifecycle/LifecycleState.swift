import Foundation

/// Where a `waiting` or `held` recording goes on: the step it was at, or is sent back to.
public enum Phase: String, Sendable, CaseIterable, Codable {
    /// Intake examines the files again (a recording that owns a call keeps its identity).
    case intake
    /// The create (`POST /v2/calls`) with the stored body.
    case create
    /// The media upload to the recording's call.
    case upload
    /// The after-upload step (keep, archive or delete the files).
    case finish
}

/// A recording's state, carrying what the state needs: the phase a `waiting` or `held` row
/// resumes in, when a `waiting` row is due, the original of a `duplicate`.
public enum LifecycleState: Sendable, Equatable {
    /// Seen; waiting for the files to settle, pair up, or for the user mapping.
    case pending
    /// Taken: request built and valid, clientUniqueId owned; queued for the create.
    case ready
    /// The create may be on the wire (committed before it is sent).
    case creating
    /// Gong named the call; media not sent yet.
    case created
    /// The media upload may be on the wire (committed before it is sent).
    case uploading
    /// Gong holds this recording's media; the after-upload step is next.
    case uploaded
    /// Finished.
    case done
    /// A retryable failure: `phase` is tried again at `until`.
    case waiting(Phase, until: Date)
    /// Needs a person (or a change it waits for): resumes in `phase` when released.
    case held(Phase)
    /// Invalid input or refused by Gong; never sent as it is.
    case rejected
    /// Half a pair past the orphan timeout.
    case orphaned
    /// Same clientUniqueId and audio as row `of`, which owns the id.
    case duplicate(of: Int64?)
    /// Not sent unless retried (older than the backfill cutoff, too short, silent).
    case skipped
    /// Delivered, but Gong did not list the call when reconciled.
    case missing

    /// The persisted name.
    public var name: RecordingState {
        switch self {
        case .pending: .pending
        case .ready: .ready
        case .creating: .creating
        case .created: .created
        case .uploading: .uploading
        case .uploaded: .uploaded
        case .done: .done
        case .waiting: .waiting
        case .held: .held
        case .rejected: .rejected
        case .orphaned: .orphaned
        case .duplicate: .duplicate
        case .skipped: .skipped
        case .missing: .missing
        }
    }

    /// The phase a row in this state is at (`nil` for intake's and final states).
    public var phase: Phase? {
        switch self {
        case .ready, .creating: .create
        case .created, .uploading: .upload
        case .uploaded: .finish
        case .waiting(let phase, _), .held(let phase): phase
        default: nil
        }
    }
}

/// The Gong identity a recording owns: its clientUniqueId, the call Gong named for it, and how
/// many of its requests may have reached Gong without an answer that proves what they did.
public struct Identity: Sendable, Equatable {
    /// The clientUniqueId (UNIQUE across rows).
    public var clientUniqueId: String
    /// Gong's call, once named.
    public var callId: String?
    /// Creates sent whose outcome no answer proved (a lost answer, a timeout, a 5xx).
    public var createsInDoubt = 0
    /// Media uploads sent whose outcome no answer proved.
    public var uploadsInDoubt = 0
    /// The SHA-256 of the bytes each upload in doubt carried, oldest first (the last is the one
    /// on the wire). An upload in doubt proves only the bytes it carried: "already handled"
    /// proves delivery of the current audio only if every earlier one carried the same.
    public var uploadDigestsInDoubt: [String] = []
    /// The call this recording delivered that Gong stopped listing (reconciliation; deleted in
    /// Gong?). Gong keeps answering with a deleted call's id and audio for hours: an answer
    /// naming it proves nothing about a delivery made again.
    public var goneCallId: String?

    /// An identity.
    public init(
        clientUniqueId: String, callId: String? = nil, createsInDoubt: Int = 0, uploadsInDoubt: Int = 0,
        uploadDigestsInDoubt: [String] = [], goneCallId: String? = nil
    ) {
        self.clientUniqueId = clientUniqueId
        self.callId = callId
        self.createsInDoubt = createsInDoubt
        self.uploadsInDoubt = uploadsInDoubt
        self.uploadDigestsInDoubt = uploadDigestsInDoubt
        self.goneCallId = goneCallId
    }

    /// No upload is in doubt any more.
    mutating func uploadsSettled() {
        uploadsInDoubt = 0
        uploadDigestsInDoubt = []
    }

    /// One upload in doubt (the latest) was proved to have done nothing.
    mutating func uploadSettled() {
        uploadsInDoubt = max(0, uploadsInDoubt - 1)
        if !uploadDigestsInDoubt.isEmpty { uploadDigestsInDoubt.removeLast() }
        if uploadsInDoubt == 0 { uploadDigestsInDoubt = [] }
    }

    /// Whether every upload in doubt before the latest carried `digest` (uploads sent before
    /// GongSpool recorded digests count as other bytes).
    func earlierUploadsCarried(_ digest: String?) -> Bool {
        guard let digest else { return false }
        let earlier = uploadDigestsInDoubt.dropLast()
        return earlier.count == uploadsInDoubt - 1 && earlier.allSatisfy { $0 == digest }
    }

    /// A recording that owns a call, whose create may have reached Gong, or that once owned a
    /// call Gong no longer lists, never changes its clientUniqueId and is never dropped: Gong may
    /// hold (or remember) it under that id.
    public var isLocked: Bool { callId != nil || createsInDoubt > 0 || goneCallId != nil }
}

/// Retry timing, from `retry.*`.
public struct RetryPolicy: Sendable, Equatable {
    /// First delay, seconds.
    public var initialBackoffSeconds: Double
    /// Longest delay, seconds.
    public var maxBackoffSeconds: Double
    /// A step failing this long is held for a person.
    public var giveUpAfterSeconds: Double

    /// A policy.
    public init(initialBackoffSeconds: Double = 30, maxBackoffSeconds: Double = 3600, giveUpAfterSeconds: Double = 72 * 3600) {
        self.initialBackoffSeconds = initialBackoffSeconds
        self.maxBackoffSeconds = maxBackoffSeconds
        self.giveUpAfterSeconds = giveUpAfterSeconds
    }
}

/// What comes in with every event: the time, and a random number for the retry jitter.
public struct EventContext: Sendable {
    /// Now.
    public var now: Date
    /// Uniform in `0..<1`.
    public var jitter: Double
    /// Retry timing.
    public var policy: RetryPolicy

    /// A context.
    public init(now: Date, jitter: Double = 0.5, policy: RetryPolicy = RetryPolicy()) {
        self.now = now
        self.jitter = jitter
        self.policy = policy
    }
}
