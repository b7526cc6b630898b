import Foundation
import GongSpoolCore
import GongSpoolPostgres
import GongSpoolSQLite
import Logging

/// Opens the state store `state.database` names: a SQLite file, or a PostgreSQL fleet.
public enum StateStoreFactory {
    /// Who opens it.
    public enum Opener: Sendable {
        /// The daemon (`run`): in a fleet, a named node that leases what it works on.
        case daemon
        /// An operator command: reads everything, leases nothing.
        case `operator`
    }

    /// The spool's fleet-wide name: `state.spoolName`, else `NODE:DIRECTORY` (this node's alone).
    public static func spoolName(_ config: Configuration) -> String {
        config.state.spoolName ?? "\(config.state.nodeName):\(config.spool.directory)"
    }

    /// Opens (creating and migrating as needed) the store of `config`.
    public static func open(
        _ config: Configuration, as opener: Opener, environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger
    ) async throws -> any StateStore {
        guard config.state.isPostgres else {
            return try SQLiteStateStore.open(path: config.state.database)
        }
        let location = try PostgresLocation(url: config.state.database)
        let password = try PostgresLocation.password(passwordFile: config.state.passwordFile, environment: environment)
        let role: PostgresStateStore.Role =
            switch opener {
            case .daemon: .node(name: config.state.nodeName, spool: spoolName(config), leaseSeconds: config.state.leaseSeconds)
            case .operator: .operator(spool: config.spool.directory.isEmpty ? nil : spoolName(config))
            }
        return try await PostgresStateStore.open(location, password: password, role: role, logger: logger)
    }

    /// The store of `config` for a look by an operator command, or `nil` when there is none yet
    /// (no SQLite file: nothing is created for a look).
    public static func openExisting(_ config: Configuration, logger: Logger) async throws -> (any StateStore)? {
        if !config.state.isPostgres && !FileManager.default.fileExists(atPath: config.state.database) { return nil }
        return try await open(config, as: .operator, logger: logger)
    }
}
