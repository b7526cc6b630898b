import Foundation

/// `log.*` keys.
public struct LogSettings: Sendable, Equatable, Codable {
    /// Seconds between two progress lines while a backlog is examined or delivered (0: none).
    public var progressSeconds = 30.0

    /// Defaults.
    public init() {}

    func check(_ problems: inout ConfigProblems) {
        problems.number(progressSeconds, CodingKeys.progressSeconds, min: 0)
    }
}
