import ArgumentParser
import Foundation
import GongSpoolCore

/// `--config PATH`, shared by every command that reads the configuration.
struct ConfigOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("Configuration file (default: $GONGSPOOL_CONFIG, else \(ConfigurationLoader.defaultPath)).", valueName: "path"))
    var config: String?

    /// The path in effect.
    var path: String {
        ConfigurationLoader.resolvePath(explicit: config, environment: ProcessInfo.processInfo.environment)
    }

    /// Loads the configuration, or exits 78 naming the key at fault.
    func load() throws -> Configuration {
        do {
            return try ConfigurationLoader.load(path: path)
        } catch {
            printError("gongspool: \(error.description)")
            throw ExitCode(ExitStatus.config)
        }
    }

    /// Like ``load()`` but a missing default file yields the built-in defaults (for `validate`).
    func loadOrDefaults() throws -> Configuration {
        if config == nil, !FileManager.default.fileExists(atPath: path) {
            return Configuration()
        }
        return try load()
    }
}

/// Writes a line to standard error.
func printError(_ line: String, newline: Bool = true) {
    FileHandle.standardError.write(Data((line + (newline ? "\n" : "")).utf8))
}
