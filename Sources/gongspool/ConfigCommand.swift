import ArgumentParser
import Foundation
import GongSpoolCore
import GongSpoolDaemon
import Logging

/// `gongspool config`: the effective configuration, secrets redacted.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Print the effective configuration (defaults filled in, secrets never shown).")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        var logger = Logger(label: "gongspool")
        logger.logLevel = .error
        let (config, systemIdSource) = await SystemIdentity.current(try options.load(), logger: logger)
        print("# \(options.path)")
        print(config.effectiveYAML)
        print("# systemId: from \(systemIdSource.rawValue)")
        let state = (try? await StateStoreFactory.openExisting(config, logger: logger)) ?? nil
        defer { try? state?.close() }
        if let backfill = try? await FirstStart.effectiveBackfill(config, store: state) {
            print("# spool.backfill: \(backfill)".escapingControlCharacters)
        }
        let environment = ProcessInfo.processInfo.environment
        let loaded = Result { () throws(ConfigurationError) in try Credentials.load(config.gong, environment: environment) }
        switch loaded {
        case .success(let credentials): print("# credentials: from \(credentials.source) (values never shown)")
        case .failure(let problem): print("# credentials: none readable here (\(problem.description)); the service gets systemd's (LoadCredential=)")
        }
    }
}
