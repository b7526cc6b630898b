import ArgumentParser
import Foundation
import GongSpool

/// `gongspool check`: is the configuration usable by `run`?
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the configuration and credentials; exit 78 naming the key at fault."
    )

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let config = try options.load()
        do {
            try config.checkForRun()
            let credentials = try Credentials.load(config.gong, environment: ProcessInfo.processInfo.environment)
            print("configuration \(options.path): ok")
            print("  spool:       \(config.spool.directory)\(config.spool.recursive ? " (recursive)" : "")")
            print("  gong:        \(config.gong.baseURL) (credentials from \(credentials.source))")
            print("  state:       \(config.state.database)")
            print("  afterUpload: \(config.spool.afterUpload.rawValue)")
        } catch {
            printError("gongspool: \(error.description)")
            throw ExitCode(ExitStatus.config)
        }
    }
}
