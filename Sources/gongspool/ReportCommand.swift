import ArgumentParser
import Foundation
import GongSpoolCore

extension DeliveryReport.Format: ExpressibleByArgument {}

/// `gongspool report --since DATE [--until DATE] [--format csv|json] [--phone N] [--user ID]`.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "One line per recording of a period: where each call went (for an auditor, or to find one call).",
        discussion: """
            Columns: clientUniqueId, callStart, direction, gongUserId, state, reasonCode, callId, url, \
            listedByGong (when reconciliation last saw it in Gong), excluded (by the privacy policy), erased (on request), path. \
            A recording is in the period by its call's start (one never built into a request: by when it \
            was first seen). Written as it is read: any length of history.
            """
    )

    @OptionGroup var options: ConfigOption
    @Option(help: "From this time (ISO-8601, or YYYY-MM-DD in UTC).") var since: String
    @Option(help: "Before this time (ISO-8601, or YYYY-MM-DD in UTC: that day is not included).") var until: String?
    @Option(help: "csv or json.") var format: DeliveryReport.Format = .csv
    @Option(help: "Only calls with a party of this phone number (any formatting).") var phone: String?
    @Option(help: "Only calls of this Gong user id.") var user: String?

    /// `value` as a time: ISO-8601, or a UTC date.
    static func time(_ value: String, option: String) throws -> Date {
        guard let date = ISOTimestamp.parse(value) ?? ISOTimestamp.parse(value + "T00:00:00Z") else {
            throw ValidationError("\(option): expected an ISO-8601 time or YYYY-MM-DD, found \"\(value)\"")
        }
        return date
    }

    func run() async throws {
        let config = try options.load()
        let filter = DeliveryReport.Filter(
            since: try Self.time(since, option: "--since"), until: try until.map { try Self.time($0, option: "--until") }, phone: phone, user: user,
            countryCode: config.privacy.countryCode)
        let store = try await StoreOpener.open(config)
        var out = BufferedOutput()
        try await DeliveryReport(filter: filter, format: format).write(from: store) { out.write($0) }
        out.flush()
    }
}
