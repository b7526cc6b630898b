import ArgumentParser
import AsyncHTTPClient
import Foundation
import GongSpoolCore
import GongSpoolDaemon
import GongSpoolHTTP
import Logging

/// `gongspool check`: is the set-up usable by `run`?
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the configuration, the directories and the credentials; exit 78 naming what is wrong.",
        discussion: """
            Run it as the service user (sudo -u gongspool …) with the service's credentials \
            (CREDENTIALS_DIRECTORY=/etc/gongspool/credentials as root, or the environment). It lists \
            the spool, checks the directories afterUpload and the state need are writable, and asks \
            Gong once (GET /v2/users, one request of the day's budget) whether it accepts the \
            credentials, and with gong.reconcile once more (GET /v2/calls) whether the key may list \
            calls. Exit 0: ready; 78: something to fix; 69 or 75: Gong could not be asked now.
            """
    )

    @OptionGroup var options: ConfigOption
    @Flag(help: "Do not ask Gong (checks the configuration and directories only).") var offline = false

    func run() async throws {
        let config = try options.load()
        let credentials: Credentials
        do {
            try config.checkForRun()
            credentials = try Credentials.load(config.gong, environment: ProcessInfo.processInfo.environment)
        } catch {
            printError("gongspool: \(error.description)")
            throw ExitCode(ExitStatus.config)
        }
        print("configuration \(options.path): ok")
        print("  spool:       \(config.spool.directory)\(config.spool.recursive ? " (recursive)" : "")")
        print("  gong:        \(config.gong.baseURL) (credentials from \(credentials.source))")
        print("  state:       \(config.state.database)")
        print("  afterUpload: \(config.spool.afterUpload.rawValue)")
        var quiet = Logger(label: "gongspool")
        quiet.logLevel = .error
        let (known, source) = await SystemIdentity.current(config, logger: quiet)
        var findings = SetupCheck.files(config)
        findings.append(SetupCheck.systemId(config, inForce: known.spool.effectiveSystemId, source: source))
        if config.state.isPostgres, let location = try? PostgresLocation(url: config.state.database), let risk = location.tlsRisk {
            findings.append(SetupCheck.Finding(.note, "state.database", risk + "; use sslmode=verify-full (the default off loopback)"))
        }
        if !offline {
            findings += try await askGong(config, credentials)
        }
        for finding in findings {
            let mark =
                switch finding.severity {
                case .ok: "ok     "
                case .note: "note   "
                case .wrong: "WRONG  "
                case .unknown: "UNKNOWN"
                }
            print("\(mark) \(finding.subject): \(finding.detail)")
        }
        if findings.contains(where: { $0.severity == .wrong }) { throw ExitCode(ExitStatus.config) }
        if let unknown = findings.first(where: { $0.severity == .unknown }) {
            throw ExitCode(unknown.detail.contains("429") ? ExitStatus.tempFail : ExitStatus.unavailable)
        }
    }

    private func askGong(_ config: Configuration, _ credentials: Credentials) async throws -> [SetupCheck.Finding] {
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: GongClient.httpConfiguration(config.gong))
        var logger = Logger(label: "gongspool")
        logger.logLevel = .error
        let client = GongClient(
            http: http, endpoint: try GongEndpoint(baseURL: config.gong.baseURL), credentials: credentials,
            settings: config.gong, logger: logger)
        var findings = [await SetupCheck.credentials(client, needUsers: config.users.fromGong)]
        if config.gong.reconcile, findings[0].severity == .ok || findings[0].severity == .note {
            findings.append(await SetupCheck.reconcileScope(client, now: Date()))
        }
        try await http.shutdown()
        return findings
    }
}
