import Foundation

/// A row taking part in the claim of a clientUniqueId, as the lifecycle sees it.
public struct ClaimParty: Sendable {
    /// The row.
    public var id: Int64
    /// Its lifecycle as stored.
    public var lifecycle: RecordingLifecycle
    /// The SHA-256 of its audio, when taken.
    public var sha256: String?
    /// How reasons name it (`2026/11/22/call-1.wav`).
    public var path: String

    /// A party.
    public init(id: Int64, lifecycle: RecordingLifecycle, sha256: String?, path: String) {
        self.id = id
        self.lifecycle = lifecycle
        self.sha256 = sha256
        self.path = path
    }
}

/// How a claim of a `clientUniqueId` comes out, decided from the claiming row and the row that
/// owns the id now (if another does): the row owns the id when no other row does; a row that
/// failed before sending anything gives it up to a copy with the same audio; otherwise the
/// claiming row is a duplicate (same audio) or a content conflict. A locked identity is never
/// exchanged: the lifecycle holds the row if the id changed. Every store reads the parties under
/// its own lock, asks this, and reports the result as ``LifecycleEvent/claimed(_:)``.
public struct ClaimDecision: Sendable {
    /// What the claiming row is told.
    public private(set) var claim: Claim
    /// The owner gives the id up first (``LifecycleEvent/identityPassed(to:)``).
    public private(set) var ownerPassesIt = false

    /// The states of a row whose audio is delivered or on its way: the same audio claimed under
    /// another clientUniqueId is its duplicate (Gong would answer "same content" after an empty
    /// call was created).
    public static let sameAudioStates: [RecordingState] = [.ready, .creating, .created, .uploading, .uploaded, .done, .waiting, .held, .missing]

    /// Whether a row with the same audio under another clientUniqueId stops the claimant: its
    /// audio is delivered or on its way (``sameAudioStates``), or it was erased on request.
    public static func stopsSameAudio(_ row: RecordingLifecycle) -> Bool {
        sameAudioStates.contains(row.state.name) || row.isErased
    }

    /// `sha256`: the claiming row's audio as taken now. `sameAudio`: rows with that SHA-256
    /// under another clientUniqueId that ``stopsSameAudio(_:)``, oldest first; asked for only
    /// when nobody owns the id. An owner or such a row erased on request: ``Claim/erased(of:)``.
    public init(claimant: ClaimParty, clientUniqueId: String, sha256: String?, owner: ClaimParty?, sameAudio: [ClaimParty] = []) {
        claim = .owner(clientUniqueId: clientUniqueId)
        guard Self.needsOwner(claimant.lifecycle) else { return }
        guard let owner, owner.id != claimant.id else {
            // Nobody has the id: unless this audio is already on its way to Gong under another one.
            let twin = sameAudio.first {
                $0.id != claimant.id && $0.lifecycle.identity?.clientUniqueId != clientUniqueId && !Self.failedBeforeSending($0.lifecycle)
            }
            if let twin, twin.lifecycle.isErased {
                claim = .erased(of: twin.id)
            } else if let twin, let twinCall = twin.lifecycle.identity?.clientUniqueId {
                let description = "recording #\(twin.id) \(twin.path) (\(twin.lifecycle.state.name.rawValue), clientUniqueId \(twinCall))"
                claim = .sameAudio(of: twin.id, clientUniqueId: clientUniqueId, description: description)
            }
            return
        }
        let description = "recording #\(owner.id) \(owner.path) (\(owner.lifecycle.state.name.rawValue))"
        if owner.lifecycle.isErased {
            claim = .erased(of: owner.id)
        } else if owner.sha256 != sha256 {
            claim = .conflict(of: owner.id, clientUniqueId: clientUniqueId, description: description)
        } else if Self.failedBeforeSending(owner.lifecycle) {
            ownerPassesIt = true
        } else {
            claim = .duplicate(of: owner.id, clientUniqueId: clientUniqueId, description: description)
        }
    }

    /// Whether the owner's lookup matters: a locked identity keeps its id whoever else has it.
    public static func needsOwner(_ claimant: RecordingLifecycle) -> Bool {
        claimant.identity?.isLocked != true
    }

    /// An owner that failed before any request of it may have reached Gong, and not by an
    /// operator's choice: its copy with the same audio may carry the id on.
    static func failedBeforeSending(_ owner: RecordingLifecycle) -> Bool {
        guard let identity = owner.identity, !identity.isLocked else { return false }
        switch owner.state {
        case .rejected, .orphaned: return true
        case .held: return owner.code != .operatorHold
        default: return false
        }
    }
}
