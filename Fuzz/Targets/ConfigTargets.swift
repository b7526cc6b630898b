import Foundation

@testable import GongSpoolCore

/// The configuration file: written by a person, often by copying from a web page.
enum ConfigTargets {
    /// Parsed and checked; what a valid one leads to (timeouts, intervals, the mapping) is built.
    static func yaml(_ bytes: [UInt8]) {
        guard let config = try? ConfigurationLoader.parse(yaml: String(decoding: bytes, as: UTF8.self)) else { return }
        // What the HTTP client's timeouts are made of (GongClient.httpConfiguration).
        _ = Bounded.milliseconds(config.gong.connectTimeoutSeconds)
        _ = Bounded.milliseconds(config.gong.readTimeoutSeconds)
        _ = Bounded.duration(seconds: config.spool.pollIntervalSeconds)
        _ = Bounded.duration(seconds: 1 / config.gong.requestsPerSecond)
        _ = config.retry.policy
        _ = try? RequestAssembler(config: config)
    }
}
