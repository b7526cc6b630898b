import Foundation

/// What identifies "the same files" between two looks: paths, sizes, mtimes and the audio's inode.
public struct Fingerprint: Equatable, Sendable {
    /// The audio file, relative to the spool.
    public var audioPath: String?
    /// Audio size, mtime (ns) and inode.
    public var size: Int64?, mtimeNs: Int64?, inode: Int64?
    /// The sidecar, relative to the spool.
    public var sidecarPath: String?
    /// Sidecar size and mtime (ns).
    public var sidecarSize: Int64?, sidecarMtimeNs: Int64?

    /// A fingerprint.
    public init(
        audioPath: String?, size: Int64?, mtimeNs: Int64?, inode: Int64?,
        sidecarPath: String?, sidecarSize: Int64?, sidecarMtimeNs: Int64?
    ) {
        self.audioPath = audioPath
        self.size = size
        self.mtimeNs = mtimeNs
        self.inode = inode
        self.sidecarPath = sidecarPath
        self.sidecarSize = sidecarSize
        self.sidecarMtimeNs = sidecarMtimeNs
    }

    /// The fingerprint recorded in `row`.
    public init(_ row: Recording) {
        self.init(
            audioPath: row.audioPath, size: row.size, mtimeNs: row.mtimeNs, inode: row.inode,
            sidecarPath: row.sidecarPath, sidecarSize: row.sidecarSize, sidecarMtimeNs: row.sidecarMtimeNs)
    }

    /// Records it in `row`.
    func apply(to row: inout Recording) {
        row.audioPath = audioPath
        row.size = size
        row.mtimeNs = mtimeNs
        row.inode = inode
        row.sidecarPath = sidecarPath
        row.sidecarSize = sidecarSize
        row.sidecarMtimeNs = sidecarMtimeNs
    }
}

/// What intake learned about a recording's files, written with a lifecycle change (or alone):
/// never a state.
public struct Evidence: Sendable, Equatable {
    /// The files as seen.
    public var fingerprint: Fingerprint?
    /// Since when they are unchanged.
    public var stableSince: Date?
    /// SHA-256 of the audio.
    public var sha256: String?
    /// The request body to send.
    public var requestJSON: String?
    /// The media format.
    public var mediaKind: String?
    /// What Gong's answer named: its `requestId` (create or media) and the call's web address.
    public var createRequestId: String?, mediaRequestId: String?, mediaURL: String?
    /// The peak level of each channel.
    public var levels: AudioLevels?
    /// The channels found silent.
    public var silentChannels: [Int]?
    /// The clientUniqueId the files give (claimed or not).
    public var filesClientUniqueId: String?

    /// Evidence; `nil` fields are left as they are.
    public init(
        fingerprint: Fingerprint? = nil, stableSince: Date? = nil, sha256: String? = nil,
        requestJSON: String? = nil, mediaKind: String? = nil,
        createRequestId: String? = nil, mediaRequestId: String? = nil, mediaURL: String? = nil, levels: AudioLevels? = nil,
        silentChannels: [Int]? = nil, filesClientUniqueId: String? = nil
    ) {
        self.fingerprint = fingerprint
        self.stableSince = stableSince
        self.sha256 = sha256
        self.requestJSON = requestJSON
        self.mediaKind = mediaKind
        self.createRequestId = createRequestId
        self.mediaRequestId = mediaRequestId
        self.mediaURL = mediaURL
        self.levels = levels
        self.silentChannels = silentChannels
        self.filesClientUniqueId = filesClientUniqueId
    }

    func apply(to row: inout Recording) {
        fingerprint?.apply(to: &row)
        if let stableSince { row.stableSince = stableSince }
        if let sha256 { row.sha256 = sha256 }
        if let requestJSON { row.requestJSON = requestJSON }
        if let mediaKind { row.mediaKind = mediaKind }
        if let createRequestId { row.createRequestId = createRequestId }
        if let mediaRequestId { row.mediaRequestId = mediaRequestId }
        if let mediaURL { row.mediaURL = mediaURL }
        if let levels { row.channelPeaksDb = levels.text }
        if let silentChannels { row.silentChannels = silentChannels.isEmpty ? nil : silentChannels.map(String.init).joined(separator: ",") }
        if let filesClientUniqueId { row.filesClientUniqueId = filesClientUniqueId }
    }
}
