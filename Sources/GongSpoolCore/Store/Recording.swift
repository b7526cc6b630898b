import Foundation

/// One row of the `recordings` table: a recording (audio + sidecar sharing a stem) and
/// everything known about its delivery. Only the row that owns a `clientUniqueId` carries it
/// (the column is UNIQUE), so Gong can never be asked to create the same id twice. The columns
/// of its lifecycle (state, identity, cause, attempts) are written only by the store, through
/// the ``WritePlan`` its ``RecordingLifecycle`` decides; the evidence columns by ``Evidence``.
public struct Recording: Sendable, Equatable, Codable {
    /// Row id.
    public var id: Int64?
    /// Path relative to the spool without extension; pairs audio and sidecar.
    public var stem: String
    /// The Gong `clientUniqueId`, once the row owns it.
    public internal(set) var clientUniqueId: String?
    /// Lifecycle state.
    public internal(set) var state: RecordingState
    /// Why the row is in its state, for operators.
    public internal(set) var reason: String?
    /// Audio file, relative to the spool.
    public var audioPath: String?
    /// Sidecar file, relative to the spool.
    public var sidecarPath: String?
    /// Detected media format.
    public var mediaKind: String?
    /// Audio size in bytes.
    public var size: Int64?
    /// Audio mtime, nanoseconds since the epoch.
    public var mtimeNs: Int64?
    /// Audio inode.
    public var inode: Int64?
    /// Sidecar size in bytes.
    public var sidecarSize: Int64?
    /// Sidecar mtime, nanoseconds since the epoch.
    public var sidecarMtimeNs: Int64?
    /// SHA-256 of the audio, hex.
    public var sha256: String?
    /// The exact `POST /v2/calls` body, re-sent byte for byte after a crash.
    public var requestJSON: String?
    /// Gong's callId once known.
    public internal(set) var callId: String?
    /// Gong's `requestId` of the last answer to the create (Gong asks for it when troubleshooting).
    public var createRequestId: String?
    /// Gong's `requestId` of the last answer to the media upload.
    public var mediaRequestId: String?
    /// The call in Gong's web app, from the media upload's answer.
    public var mediaURL: String?
    /// Creates sent whose outcome no answer proved (see ``Identity``).
    public internal(set) var createsInDoubt: Int = 0
    /// Media uploads sent whose outcome no answer proved.
    public internal(set) var uploadsInDoubt: Int = 0
    /// The SHA-256 each of them carried, comma-separated, oldest first (see ``Identity/uploadDigestsInDoubt``).
    public internal(set) var uploadDigestsInDoubt: String?
    /// Requests attempted in the current step's streak.
    public internal(set) var attempts: Int
    /// When a `waiting` recording may be tried again.
    public internal(set) var nextAttemptAt: Date?
    /// The step a `waiting` or `held` recording resumes in.
    public internal(set) var phase: Phase?
    /// The row a `duplicate` copies.
    public internal(set) var duplicateOf: Int64?
    /// Why the recording is in its state (its cause), when the cause has a code.
    public internal(set) var lastErrorCode: ErrorCode?
    /// Since when the current step keeps failing, for `retry.giveUpAfterHours`.
    public internal(set) var failingSince: Date?
    /// An operator sent it on past the duration, silence and truncation checks.
    public internal(set) var checksWaived = false
    /// Peak level of each channel in dBFS (`-12.3,-120.0`), when measured (WAV).
    public var channelPeaksDb: String?
    /// The channels found silent (`1`, `0,1`): no party is given them.
    public var silentChannels: String?
    /// When reconciliation last found the call in Gong's list.
    public var confirmedAt: Date?
    /// A call this recording delivered that Gong stopped listing (see ``Identity/goneCallId``).
    public internal(set) var goneCallId: String?
    /// The clientUniqueId its files give, whether or not the row owns it (a skipped or
    /// duplicate row is found by it).
    public var filesClientUniqueId: String?
    /// When intake first saw the files.
    public var firstSeenAt: Date
    /// Since when the files' size and mtime are unchanged.
    public var stableSince: Date
    /// Row creation.
    public var createdAt: Date
    /// Last change.
    public var updatedAt: Date

    /// ``silentChannels`` as channel numbers (0 = left).
    public var silentChannelNumbers: [Int] {
        (silentChannels ?? "").split(separator: ",").compactMap { Int($0) }
    }

    /// A fresh `pending` row.
    public init(stem: String, now: Date) {
        self.stem = stem
        self.state = .pending
        self.attempts = 0
        self.firstSeenAt = now
        self.stableSince = now
        self.createdAt = now
        self.updatedAt = now
    }
}

/// One row of the append-only `transitions` table.
public struct Transition: Sendable, Equatable, Codable {
    /// Row id.
    public var id: Int64?
    /// The recording.
    public var recordingId: Int64
    /// When.
    public var at: Date
    /// Previous state (`nil` for the first).
    public var fromState: RecordingState?
    /// New state.
    public var toState: RecordingState
    /// Why.
    public var reason: String?
    /// Stable code of the cause, if an error caused it.
    public var errorCode: ErrorCode?
    /// Attempt number at the time.
    public var attempt: Int

    /// A value with every field given.
    public init(
        id: Int64? = nil, recordingId: Int64, at: Date, fromState: RecordingState? = nil, toState: RecordingState, reason: String? = nil,
        errorCode: ErrorCode? = nil, attempt: Int
    ) {
        self.id = id
        self.recordingId = recordingId
        self.at = at
        self.fromState = fromState
        self.toState = toState
        self.reason = reason
        self.errorCode = errorCode
        self.attempt = attempt
    }
}
