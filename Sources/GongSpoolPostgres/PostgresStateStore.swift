import Foundation
import GongSpoolCore
import Logging
import NIOSSL
import PostgresNIO
import Synchronization

/// The fleet's state store: one PostgreSQL database shared by every GongSpool node pointing at
/// it (postgres-nio). Besides what ``SQLiteStateStore`` keeps, it holds what the fleet shares:
/// the request budget (``reserveSlot(interval:)``), claims that are unique across every node,
/// leases on the recordings a node works on and on each spool's intake, and the nodes
/// themselves. Every write is one transaction; a row is changed only under `FOR UPDATE`.
public struct PostgresStateStore: StateStore {
    /// Who is using the store.
    public enum Role: Sendable, Equatable {
        /// A running daemon: named, reading `spool` (a fleet-wide name), leasing what it works on.
        case node(name: String, spool: String, leaseSeconds: Double)
        /// An operator command: reads everything, leases nothing, and its changes are not fenced.
        case `operator`(spool: String?)
    }

    let client: PostgresClient
    let runner: Task<Void, Never>
    let logger: Logger
    /// Where the database is.
    public let address: PostgresLocation
    /// Who uses it.
    public let role: Role

    /// The URL without password.
    public var location: String { address.redacted }
    /// Not a local file.
    public var databaseFile: String? { nil }

    /// This node's name, when a daemon uses the store.
    var node: String? {
        if case .node(let name, _, _) = role { return name }
        return nil
    }

    /// The spool intake queries are about.
    var spool: String? {
        switch role {
        case .node(_, let spool, _): spool
        case .operator(let spool): spool
        }
    }

    /// Lease length, for a node.
    var leaseSeconds: Double {
        if case .node(_, _, let seconds) = role { return seconds }
        return 0
    }

    /// Connects to `location` (with `password`, if any) and migrates the schema; `connectTimeout`
    /// bounds how long an unreachable server is waited for.
    public static func open(
        _ location: PostgresLocation, password: String?, role: Role, logger: Logger,
        connectTimeoutSeconds: Double = 10
    ) async throws(StoreError) -> PostgresStateStore {
        let tls: PostgresClient.Configuration.TLS
        do {
            tls = try Self.tls(location)
        } catch {
            throw .open(path: location.redacted, underlying: "TLS: \(error)")
        }
        var configuration: PostgresClient.Configuration
        if location.host.hasPrefix("/") {
            configuration = PostgresClient.Configuration(
                unixSocketPath: "\(location.host)/.s.PGSQL.\(location.port)", username: location.user,
                password: password, database: location.database)
        } else {
            configuration = PostgresClient.Configuration(
                host: location.host, port: location.port, username: location.user,
                password: password, database: location.database, tls: tls)
        }
        configuration.options.connectTimeout = Bounded.duration(seconds: connectTimeoutSeconds)
        configuration.options.minimumConnections = 0
        configuration.options.maximumConnections = 8
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        let client = PostgresClient(configuration: configuration, backgroundLogger: quiet)
        let runner = Task { await client.run() }
        let store = PostgresStateStore(client: client, runner: runner, logger: quiet, address: location, role: role)
        do {
            try await Self.withDeadline(connectTimeoutSeconds) { try await store.migrate() }
        } catch {
            runner.cancel()
            throw .open(path: location.redacted, underlying: (error as? StoreError)?.description ?? Self.describe(error))
        }
        return store
    }

    /// TLS as the URL asks; whenever TLS is used, the certificate and host name are verified.
    static func tls(_ location: PostgresLocation) throws -> PostgresClient.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        if let root = location.rootCertificate {
            tls.trustRoots = .file(root)
        }
        switch location.tls {
        case .disable: return .disable
        case .prefer: return .prefer(tls)
        case .require, .verifyCA, .verifyFull: return .require(tls)
        }
    }

    /// Stops the connection pool.
    public func close() throws {
        runner.cancel()
    }

    // MARK: Running statements

    /// How long a statement or transaction may wait for PostgreSQL. postgres-nio's pool waits for
    /// an unreachable server without end; past this the operation fails (and is rolled back),
    /// so a node without its database says so — in its log, its loops' backoff, `/healthz` —
    /// instead of hanging silently.
    static let answerTimeoutSeconds = 20.0

    /// Runs `operation`, failing it when PostgreSQL has not answered within `seconds`; the
    /// operation is then cancelled (an open transaction is rolled back). The caller gets its
    /// answer at the deadline even if the operation does not stop at once: postgres-nio does not
    /// always notice cancellation while it waits for a server that went away, and a task group
    /// would wait for it — the daemon's loop with it.
    static func withDeadline<T: Sendable>(_ seconds: Double, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let race = DeadlineRace<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                guard !Task.isCancelled else { return continuation.resume(throwing: CancellationError()) }
                race.continuation.withLock { $0 = continuation }
                race.start(seconds: seconds, operation)
            }
        } onCancel: {
            // The caller stops waiting at once (a shutdown does not wait for a lost server).
            race.finish(.failure(CancellationError()))
            race.work.withLock { $0?.cancel() }
        }
    }

    /// Runs `body` in one transaction (within `timeout` seconds); a failure rolls it back. A
    /// ``StoreError`` thrown inside comes out as itself.
    func transaction<T: Sendable>(
        timeout: Double = Self.answerTimeoutSeconds,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws(StoreError) -> T {
        let client = client
        let logger = logger
        do {
            return try await Self.withDeadline(timeout) {
                try await client.withTransaction(logger: logger) { connection in try await body(connection) }
            }
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError as? StoreError { throw inner }
            throw .sqlite(Self.describe(error.closureError ?? error.commitError ?? error.beginError ?? error))
        } catch let error as StoreError {
            throw error
        } catch {
            throw .sqlite(Self.describe(error))
        }
    }

    /// Runs one statement outside a transaction and collects its rows.
    func rows(_ query: PostgresQuery) async throws(StoreError) -> [PostgresRow] {
        let client = client
        let logger = logger
        do {
            return try await Self.withDeadline(Self.answerTimeoutSeconds) {
                var out: [PostgresRow] = []
                for try await row in try await client.query(query, logger: logger) { out.append(row) }
                return out
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .sqlite(Self.describe(error))
        }
    }

    /// Runs one statement and reads each row with `read`; a row that cannot be read fails the
    /// whole answer as a store error.
    func rows<T>(_ query: PostgresQuery, as read: (PostgresRow) throws -> T) async throws(StoreError) -> [T] {
        let found = try await rows(query)
        do {
            return try found.map(read)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .sqlite(Self.describe(error))
        }
    }

    /// Runs one statement and discards its rows.
    func run(_ query: PostgresQuery) async throws(StoreError) {
        _ = try await rows(query)
    }

    /// The server's message when there is one (postgres-nio's own description hides it).
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
                return "PostgreSQL: \(message)\(detail)"
            }
            return "PostgreSQL: \(error.code)"
        }
        return String(describing: error)
    }
}

extension PostgresConnection {
    /// Runs `query` and collects its rows.
    func rows(_ query: PostgresQuery, _ logger: Logger) async throws -> [PostgresRow] {
        var out: [PostgresRow] = []
        for try await row in try await self.query(query, logger: logger) { out.append(row) }
        return out
    }

    /// Runs `query`, discarding rows.
    func run(_ query: PostgresQuery, _ logger: Logger) async throws {
        _ = try await rows(query, logger)
    }
}

/// An operation against its deadline: whichever ends first answers the caller, once.
private final class DeadlineRace<T: Sendable>: Sendable {
    let continuation = Mutex<CheckedContinuation<T, any Error>?>(nil)
    let work = Mutex<Task<Void, Never>?>(nil)
    let timer = Mutex<Task<Void, Never>?>(nil)

    /// Starts `operation` and its deadline; the first to end answers.
    func start(seconds: Double, _ operation: @escaping @Sendable () async throws -> T) {
        work.withLock {
            $0 = Task {
                do {
                    self.finish(.success(try await operation()))
                } catch {
                    self.finish(.failure(error))
                }
                self.timer.withLock { $0?.cancel() }
            }
        }
        timer.withLock {
            $0 = Task {
                do { try await Task.sleep(for: Bounded.duration(seconds: seconds)) } catch { return }
                self.finish(.failure(StoreError.sqlite("no answer from PostgreSQL within \(Bounded.text(seconds)) s (is it running and reachable?)")))
                self.work.withLock { $0?.cancel() }
            }
        }
    }

    func finish(_ result: Result<T, any Error>) {
        continuation.withLock { pending in
            pending?.resume(with: result)
            pending = nil
        }
    }
}
