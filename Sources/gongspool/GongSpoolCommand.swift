import ArgumentParser
import GongSpoolCore

/// The `gongspool` command: argument parsing only; the work is in the GongSpool library.
@main
struct GongSpoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gongspool",
        abstract: "Uploads PBX call recordings from a spool directory to Gong, exactly once.",
        version: BuildInfo.description,
        subcommands: [
            RunCommand.self, StatusCommand.self, ListCommand.self, ShowCommand.self, RetryCommand.self, HoldCommand.self,
            ReleaseCommand.self, AcceptCommand.self, ForgetCommand.self, PruneCommand.self, ReconcileCommand.self, BackupCommand.self,
            CheckCommand.self, ConfigCommand.self, ValidateCommand.self, ReportCommand.self, EraseCommand.self, AuditCommand.self,
            SimulateCommand.self, DemoCommand.self,
        ]
    )
}

/// Exit codes from sysexits.h, which scripts and systemd understand.
enum ExitStatus {
    /// EX_DATAERR: the input data was incorrect.
    static let dataError: Int32 = 65
    /// EX_UNAVAILABLE: a service is unavailable.
    static let unavailable: Int32 = 69
    /// EX_SOFTWARE: an internal error.
    static let software: Int32 = 70
    /// EX_CANTCREAT: an output file cannot be created.
    static let cantCreate: Int32 = 73
    /// EX_TEMPFAIL: try again later.
    static let tempFail: Int32 = 75
    /// EX_CONFIG: configuration error.
    static let config: Int32 = 78
}
