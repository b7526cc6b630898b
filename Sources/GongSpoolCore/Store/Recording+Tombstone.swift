import Foundation

extension Recording {
    /// What an erased recording's history lines say instead of their reasons.
    public static let tombstoneReason = Reasons.erasedOnRequest

    /// The prefix of a tombstone's stem: no spool path starts with `/`, so intake never takes
    /// a file for it.
    static let tombstoneStemPrefix = "/erased/"

    /// An erased recording whose personal data is gone: what is left keeps a re-export of its
    /// clientUniqueId or audio from being sent (its SHA-256, its identity), and is never pruned.
    public var isTombstone: Bool { lastErrorCode == .erasedOnRequest && stem.hasPrefix(Self.tombstoneStemPrefix) }

    /// Erased on request, its files not yet confirmed gone (``isTombstone`` once they are).
    public var isErasurePending: Bool { lastErrorCode == .erasedOnRequest && !isTombstone }

    /// Replaces the personal data with a tombstone: the paths (a PBX's file names carry
    /// numbers), the request body (parties, title) and the media levels go; the id, dates,
    /// state, Gong's call id and URL, the file facts and the SHA-256 stay.
    mutating func eraseTombstone() {
        stem = Self.tombstoneStemPrefix + (id.map(String.init) ?? "0")
        audioPath = nil
        sidecarPath = nil
        requestJSON = nil
        channelPeaksDb = nil
        silentChannels = nil
    }
}
