import Foundation

/// `archive.*` keys: how long the archive (`spool.afterUpload: archive`) keeps a recording.
public struct ArchiveSettings: Sendable, Equatable, Codable {
    /// Days an archived recording's files are kept, counted from the recording's time (its
    /// audio file's modification time); older ones of `done` recordings are deleted by the
    /// daemon. 0: kept for ever.
    public var retentionDays = 0.0

    /// Defaults.
    public init() {}

    func check(_ problems: inout ConfigProblems) {
        problems.number(retentionDays, CodingKeys.retentionDays, min: 0, max: 36_500)
    }
}
