import ArgumentParser
import Foundation
import GongSpool

/// `gongspool config`: the effective configuration, secrets redacted.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Print the effective configuration (defaults filled in, secrets never shown).")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let config = try options.load()
        print("# \(options.path)")
        print(config.effectiveYAML)
        let source = (try? Credentials.load(config.gong, environment: ProcessInfo.processInfo.environment))?.source ?? "none found"
        print("# credentials: from \(source) (values redacted)")
    }
}
