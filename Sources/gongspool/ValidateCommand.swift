import ArgumentParser
import GongSpool

/// `gongspool validate PATH`: what would be sent for this file?
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Print the exact request GongSpool would send for an audio or sidecar file, or its errors (exit 65).",
        discussion: "Configuration defaults are merged under the sidecar as the daemon does. Nothing is sent."
    )

    @OptionGroup var options: ConfigOption

    @Argument(help: "An audio file (its sidecar is found by name) or a sidecar .json file.")
    var path: String

    func run() async throws {
        let config = try options.loadOrDefaults()
        let report = FileValidation.validate(path: path, defaults: config.defaults)
        if let request = report.request {
            print(request.body.prettyString())
            return
        }
        for problem in report.problems {
            printError(problem)
        }
        throw ExitCode(ExitStatus.dataError)
    }
}
