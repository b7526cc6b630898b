import ArgumentParser
import AsyncHTTPClient
import Foundation
import GongSpoolCore
import GongSpoolDaemon
import GongSpoolHTTP
import Logging

/// `gongspool check`: is the set-up usable by `run`? Says, before the first start, every
/// refusal `run` would make.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the configuration, the directories and the credentials; exit 78 naming what is wrong.",
        discussion: """
            Run it as the service user (sudo -u gongspool …) or as root with the service's credentials \
            (CREDENTIALS_DIRECTORY=/etc/gongspool/credentials, or the environment); as root it answers for \
            the service user (the state directory's owner). It names every refusal `run` would make \
            (a missing key, the sample's placeholder URL, a first start over more than a day's budget \
            with spool.backfill not set), lists the spool, checks that the directories and the state's \
            files are writable and the credential files readable, and asks Gong once (GET /v2/users, \
            one request of the day's budget) whether it accepts the credentials — with users.fromGong it \
            keeps the whole user list in the state, for validate and run --dry-run — and with \
            gong.reconcile once more (GET /v2/calls) whether the key may list calls. --offline asks Gong \
            nothing and needs no credentials. Exit 0: ready; 78: something to fix; 69 or 75: Gong could \
            not be asked now.
            """
    )

    @OptionGroup var options: ConfigOption
    @Flag(help: "Do not ask Gong (checks the configuration, directories and state only; no credentials needed).") var offline = false
    @Flag(help: "Print one JSON object: the set-up and every finding with its severity (the exit status is the same).") var json = false

    func run() async throws {
        let config = try options.load()
        var quiet = Logger(label: "gongspool")
        quiet.logLevel = .error
        var findings = SetupCheck.findings { try config.checkForRun() }
        let readyToRun = findings.isEmpty
        var credentials: Credentials?
        if !offline {
            do {
                credentials = try Credentials.load(config.gong, environment: ProcessInfo.processInfo.environment)
            } catch {
                findings += SetupCheck.findings(error)
            }
        }
        let credentialsSource = credentials.map { "credentials from \($0.source)" } ?? (offline ? "credentials not needed offline" : "no credentials")
        if !json {
            print("configuration \(options.path): read")
            print("  spool:       \(config.spool.directory)\(config.spool.recursive ? " (recursive)" : "")")
            print("  gong:        \(config.gong.baseURL) (\(credentialsSource))")
            print("  state:       \(config.state.database)")
            print("  afterUpload: \(config.spool.afterUpload.rawValue)")
        }
        findings += readyToRun ? SetupCheck.files(config) : SetupCheck.stateFiles(config) + SetupCheck.credentialFiles(config)
        let state = (try? await StateStoreFactory.openExisting(config, logger: quiet)) ?? nil
        defer { try? state?.close() }
        var known = config
        var source = SystemIdentity.Source.provisional
        if let state, let found = try? await SystemIdentity.current(config, store: state) { (known, source) = found }
        findings.append(SetupCheck.systemId(config, inForce: known.spool.effectiveSystemId, source: source))
        if readyToRun, let refusal = try await FirstStart.refusal(config, store: state) {
            findings += SetupCheck.findings(refusal)
        }
        if config.state.isPostgres, let location = try? PostgresLocation(url: config.state.database), let risk = location.tlsRisk {
            findings.append(SetupCheck.Finding(.note, "state.database", risk + "; use sslmode=verify-full (the default off loopback)"))
        }
        if readyToRun, let credentials {
            findings += try await askGong(config, credentials, quiet)
        }
        if json {
            let setUp: [String: JSONValue] = [
                "configuration": .string(options.path), "spool": .string(config.spool.directory), "gongBaseURL": .string(config.gong.baseURL),
                "credentials": credentials.map { .string($0.source) } ?? .null, "state": .string(config.state.database), "offline": .bool(offline),
                "ready": .bool(!findings.contains { $0.severity == .wrong || $0.severity == .unknown }),
                "findings": .array(
                    findings.map {
                        .object(["severity": .string($0.severity.name), "subject": .string($0.subject), "detail": .string($0.detail)])
                    }),
            ]
            print(JSONValue.object(setUp).prettyString())
        } else {
            for finding in findings {
                // What needs a look is in capitals: WRONG, UNKNOWN.
                let mark = [.wrong, .unknown].contains(finding.severity) ? finding.severity.name.uppercased() : finding.severity.name
                print("\(mark.padding(toLength: 7, withPad: " ", startingAt: 0)) \(finding.subject): \(finding.detail)".escapingControlCharacters)
            }
        }
        if findings.contains(where: { $0.severity == .wrong }) { throw ExitCode(ExitStatus.config) }
        if let unknown = findings.first(where: { $0.severity == .unknown }) {
            throw ExitCode(unknown.detail.contains("429") ? ExitStatus.tempFail : ExitStatus.unavailable)
        }
    }

    private func askGong(_ config: Configuration, _ credentials: Credentials, _ logger: Logger) async throws -> [SetupCheck.Finding] {
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: GongClient.httpConfiguration(config.gong))
        let client = GongClient(
            http: http, endpoint: try GongEndpoint(baseURL: config.gong.baseURL), credentials: credentials,
            settings: config.gong, logger: logger)
        let (verdict, firstPage) = await SetupCheck.credentials(client, needUsers: config.users.fromGong)
        var findings = [verdict]
        if config.users.fromGong, let firstPage {
            findings.append(await keepUsers(client, firstPage, config, logger))
        }
        if config.gong.reconcile, verdict.severity == .ok || verdict.severity == .note {
            findings.append(await SetupCheck.reconcileScope(client, now: Date()))
        }
        try await http.shutdown()
        return findings
    }

    /// Gong's user list into the state, as the daemon would fetch it at its first start.
    private func keepUsers(_ client: GongClient, _ first: UserListPage, _ config: Configuration, _ logger: Logger) async -> SetupCheck.Finding {
        guard let users = await SetupCheck.users(client, after: first) else {
            return SetupCheck.Finding(.note, "users.fromGong", "Gong's user list did not come whole; the daemon fetches it at its start")
        }
        do {
            let store = try await StateStoreFactory.open(config, as: .operator, logger: logger)
            defer { try? store.close() }
            try await store.replaceGongUsers(users, fetchedAt: Date())
            return SetupCheck.Finding(
                .ok, "users.fromGong",
                "\(users.count) Gong user\(users.count == 1 ? "" : "s") kept in the state (validate and run --dry-run map with them)")
        } catch {
            return SetupCheck.Finding(.note, "users.fromGong", "\(users.count) Gong users read, but not kept: \(error)")
        }
    }
}

extension SetupCheck.Finding.Severity {
    /// The severity as `check` names it: `ok`, `note`, `wrong`, `unknown`.
    var name: String {
        switch self {
        case .ok: "ok"
        case .note: "note"
        case .wrong: "wrong"
        case .unknown: "unknown"
        }
    }
}
