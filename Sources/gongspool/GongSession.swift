import ArgumentParser
import AsyncHTTPClient
import Foundation
import GongSpoolCore
import GongSpoolHTTP
import Logging

/// What an operator command needs to talk to Gong: the credentials, an HTTP client, and the
/// request gate over the shared state (the rate, a 429's pause and the daily budget count the
/// command's requests like the daemon's). ``shutdown()`` when done.
struct GongSession {
    let http: HTTPClient
    let client: GongClient
    let gate: RequestGate

    /// Opens a session for `config`; without credentials the command exits 78 (nothing changed).
    static func open(_ config: Configuration, store: any GateStore & MetaStore, logger: Logger) async throws -> GongSession {
        let credentials: Credentials
        do {
            credentials = try Credentials.load(config.gong, environment: ProcessInfo.processInfo.environment)
        } catch {
            printError("gongspool: \(error.description)")
            throw ExitCode(ExitStatus.config)
        }
        let endpoint = try GongEndpoint(baseURL: config.gong.baseURL)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: GongClient.httpConfiguration(config.gong))
        let client = GongClient(http: http, endpoint: endpoint, credentials: credentials, settings: config.gong, logger: logger)
        let gate = RequestGate(settings: config.gong, store: store, clock: SystemWallClock(), logger: logger)
        do {
            try await gate.restorePause()
        } catch {
            try? await http.shutdown()
            throw error
        }
        return GongSession(http: http, client: client, gate: gate)
    }

    /// Closes the HTTP client.
    func shutdown() async {
        try? await http.shutdown()
    }
}
