import Foundation

/// What an erasure is about: a phone number or an email address.
public enum ErasureSubject: Sendable, Hashable {
    /// A phone number in its international form (`+15551230000`), as Gong's erasure takes it.
    case phone(String)
    /// An email address, lowercased.
    case email(String)

    /// `phone` or `email`, as stored.
    public var kind: String {
        switch self {
        case .phone: "phone"
        case .email: "email"
        }
    }

    /// The number or address.
    public var value: String {
        switch self {
        case .phone(let number): number
        case .email(let address): address
        }
    }

    /// The subject stored as `kind` and `value`; unknown kinds (a newer version's) are `nil`.
    public init?(kind: String, value: String) {
        switch kind {
        case "phone": self = .phone(value)
        case "email": self = .email(value)
        default: return nil
        }
    }
}

/// One `gongspool erase`, as the audit keeps it: what, when, by whom and which command, what
/// was found and done locally, and what Gong answered. Its subject stays on the never-send
/// list of every node sharing the state.
public struct ErasureRecord: Sendable, Equatable, Codable {
    /// Row id (the audit number).
    public var id: Int64?
    /// When the erasure was asked for.
    public var requestedAt: Date
    /// ``ErasureSubject/kind``.
    public var kind: String
    /// ``ErasureSubject/value``.
    public var subject: String
    /// The command line, as typed.
    public var command: String
    /// Who ran it (the login behind `sudo`, else the user) and on which host.
    public var requestedBy: String
    /// Recordings in the state that carry the subject (request, file names, raw sidecar).
    public var found: Int = 0
    /// Of those, the ones erased (their files gone, a tombstone left).
    public var erased: Int = 0
    /// Of those, the ones a request was on the wire for: erase again in a moment.
    public var inFlight: Int = 0
    /// Files deleted from the spool and the archive.
    public var filesDeleted: Int = 0
    /// Files not deleted: not the recording's any more (replaced at the path, reached through a
    /// link), or an error.
    public var filesLeft: Int = 0
    /// What came of Gong's erase request (`accepted`, `refused (403) …`, `not sent: …`).
    public var gongOutcome: String?
    /// Gong's `requestId` of its answer.
    public var gongRequestId: String?
    /// When the command finished (`nil` while it runs, or if it stopped half-way).
    public var finishedAt: Date?
    /// When Gong was last asked what it still holds of the subject (`gongspool audit --verify`).
    public var gongCheckedAt: Date?
    /// What Gong's list said then (`no call`, `2 calls, 2 being deleted`, or why it could not be asked).
    public var gongCheck: String?
    /// When Gong first listed no call with the subject: its erasure of the calls is complete.
    public var gongConfirmedAt: Date?

    /// A new entry for `subject`.
    public init(subject: ErasureSubject, requestedAt: Date, command: String, requestedBy: String) {
        self.requestedAt = requestedAt
        self.kind = subject.kind
        self.subject = subject.value
        self.command = command
        self.requestedBy = requestedBy
    }

    /// Gong took the erasure (here, or in an earlier entry for the same subject).
    public var gongAccepted: Bool { gongRequestId != nil || gongOutcome?.hasPrefix("accepted") == true }

    /// What the entry is about (`nil` for a kind this version does not know).
    public var erasureSubject: ErasureSubject? { ErasureSubject(kind: kind, value: subject) }
}
