import Foundation

/// The part of a row intake compares with the files: enough to skip unchanged recordings
/// without decoding whole rows.
public struct StoredFingerprint: Sendable {
    public var state: RecordingState
    public var phase: Phase?
    public var code: ErrorCode?
    public var fingerprint: Fingerprint

    /// A stored row's view.
    public init(state: RecordingState, phase: Phase?, code: ErrorCode?, fingerprint: Fingerprint) {
        self.state = state
        self.phase = phase
        self.code = code
        self.fingerprint = fingerprint
    }

    /// Whether intake has something to do with the row now that its files look like `current`:
    /// a `pending` row always; a finished, rejected, orphaned or intake-held row, or one skipped
    /// for its content (short, silent), when its files changed; never a row delivery or an
    /// operator owns.
    public func concernsIntake(_ current: Fingerprint) -> Bool {
        switch state {
        case .pending: true
        case .done, .duplicate, .rejected, .orphaned: current != fingerprint
        case .held: phase == .intake && current != fingerprint
        case .skipped: (code == .mediaTooShort || code == .mediaSilent) && current != fingerprint
        default: false
        }
    }
}
