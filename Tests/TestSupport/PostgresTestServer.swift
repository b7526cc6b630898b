import Foundation
import GongSpoolCore
import GongSpoolPostgres
import GongSpoolSQLite
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// A real PostgreSQL server for the tests: the one `.ci/run` started (`GONGSPOOL_TEST_POSTGRES_URL`,
/// e.g. `postgresql://gs@127.0.0.1:54329/postgres`), else a temporary cluster this test process
/// creates with Debian's `postgresql` binaries (as the `postgres` user when run as root, since
/// PostgreSQL refuses to run as root) and stops when it exits. Every test gets a database of its own.
public actor PostgresTestServer {
    /// The server of this test process.
    public static let shared = PostgresTestServer()

    /// The server being started or running: one for the whole test process, however many
    /// tests ask at once (the actor is re-entered while the first start is under way).
    private var server: Task<(host: String, port: Int, user: String), any Error>?

    /// A fresh, empty database; its URL (no password: the test cluster trusts loopback).
    public func createDatabase() async throws -> String {
        let server = try await running()
        let name = "gs_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try Self.psql(server, database: "postgres", "CREATE DATABASE \(name)")
        return "postgresql://\(server.user)@\(server.host):\(server.port)/\(name)"
    }

    private func running() async throws -> (host: String, port: Int, user: String) {
        if let server { return try await server.value }
        let starting = Task { try Self.start() }
        server = starting
        return try await starting.value
    }

    private static func start() throws -> (host: String, port: Int, user: String) {
        if let given = ProcessInfo.processInfo.environment["GONGSPOOL_TEST_POSTGRES_URL"], let url = URLComponents(string: given),
            let host = url.host, let port = url.port, let user = url.user
        {
            return (host, port, user)
        }
        let cluster = try PostgresCluster.create()
        try cluster.start()
        ClusterToStop.current = cluster
        atexit {
            ClusterToStop.current?.remove()
        }
        return ("127.0.0.1", cluster.port, "gs")
    }

    private static func psql(_ server: (host: String, port: Int, user: String), database: String, _ sql: String) throws -> String {
        try run(
            "/usr/bin/psql",
            [
                "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", server.host, "-p", String(server.port),
                "-U", server.user, "-d", database, "-c", sql,
            ])
    }

    /// Runs `path` with `arguments` to its end (`posix_spawn` and `waitpid`: Foundation's
    /// `Process` waits unreliably off the main thread), its output into a file rather than a
    /// pipe (the server `pg_ctl` starts would inherit a pipe and hold it open), and no other
    /// descriptor of the test process.
    @discardableResult
    static func run(_ path: String, _ arguments: [String]) throws -> String {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("gongspool-pg-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of the test process goes with it: a server started here would otherwise
        // keep the simulators' listening sockets and the state databases' files open for its
        // life. Descriptors are closed in the child, just before exec (posix_spawn has no
        // portable "close from"; glibc's is not visible to Swift), so none opened meanwhile by
        // another test slips through.
        let closing = "import os, sys; os.closerange(3, 1 << 16); os.execv(sys.argv[1], sys.argv[1:])"
        let argv = (["/usr/bin/python3", "-c", closing, path] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/usr/bin/python3", &actions, nil, argv, environ)
        guard spawned == 0 else { throw PostgresTestServerError(message: "cannot start \(path): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        // Exited normally with 0 (the wait status's low 7 bits are the signal, the next 8 the code).
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw PostgresTestServerError(message: "\(path) \(arguments.joined(separator: " ")) failed: \(output)")
        }
        return output
    }
}

/// The cluster `atexit` stops (a C callback captures nothing).
private enum ClusterToStop {
    nonisolated(unsafe) static var current: PostgresCluster?
}

/// A PostgreSQL cluster of a test's own, in a temporary directory, on a port below the ephemeral
/// range, trusting loopback: started and stopped at will (the database going away under a
/// running daemon), removed with ``remove()``. Run as the `postgres` user when the tests run as
/// root (PostgreSQL refuses root).
public struct PostgresCluster: Sendable {
    /// The binaries, the cluster's directory, its port.
    let bin: String, directory: String
    /// The port it listens on when started.
    public let port: Int
    let asRoot: Bool

    /// `postgresql://gs@127.0.0.1:PORT/postgres`.
    public var url: String { "postgresql://gs@127.0.0.1:\(port)/postgres" }

    /// A new cluster (`initdb`), not started.
    public static func create() throws -> PostgresCluster {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard
            let bin = versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }).map({ "/usr/lib/postgresql/\($0)/bin" })
                .first(where: { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") })
        else {
            throw PostgresTestServerError(message: "PostgreSQL is not installed: apt-get install postgresql (or set GONGSPOOL_TEST_POSTGRES_URL)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gongspool-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let asRoot = getuid() == 0
        if asRoot {
            try PostgresTestServer.run("/bin/chown", ["postgres:postgres", directory])
        }
        let cluster = PostgresCluster(bin: bin, directory: directory, port: try QuietPort.free(), asRoot: asRoot)
        try cluster.tool("initdb", ["-D", "\(directory)/data", "-A", "trust", "-U", "gs", "--no-sync"])
        return cluster
    }

    /// Starts it and waits until it takes connections.
    public func start() throws {
        try tool(
            "pg_ctl",
            [
                "-D", "\(directory)/data", "-w", "-l", "\(directory)/log",
                "-o", "-k \(directory) -c listen_addresses=127.0.0.1 -p \(port) -c fsync=off -c max_connections=200", "start",
            ])
    }

    /// Stops it at once (connections are cut, as when the database host goes away).
    public func stop() throws {
        try tool("pg_ctl", ["-D", "\(directory)/data", "-m", "immediate", "stop"])
    }

    /// Stops it if running and deletes it.
    public func remove() {
        try? stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A fresh database in it; its URL.
    public func createDatabase(_ name: String) throws -> String {
        try PostgresTestServer.run(
            "/usr/bin/psql", ["-X", "-q", "-h", "127.0.0.1", "-p", String(port), "-U", "gs", "-d", "postgres", "-c", "CREATE DATABASE \(name)"])
        return "postgresql://gs@127.0.0.1:\(port)/\(name)"
    }

    @discardableResult
    private func tool(_ name: String, _ arguments: [String]) throws -> String {
        asRoot
            ? try PostgresTestServer.run("/usr/sbin/runuser", ["-u", "postgres", "--", "\(bin)/\(name)"] + arguments)
            : try PostgresTestServer.run("\(bin)/\(name)", arguments)
    }
}

/// Why the test server is not there.
public struct PostgresTestServerError: Error, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    public var description: String { message }
}

/// The state store backends the store suite runs on.
public enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    /// `SQLiteStateStore` in a temporary directory.
    case sqlite
    /// `PostgresStateStore` on a fresh database of the test server.
    case postgres

    public var description: String { rawValue }

    /// A fresh store; for PostgreSQL a node named `node` reading spool `spool`.
    public func makeStore(
        in directory: TemporaryDirectory, node: String = "test-node", spool: String = "test-spool",
        leaseSeconds: Double = 30, database: String? = nil
    ) async throws -> any StateStore {
        switch self {
        case .sqlite:
            return try SQLiteStateStore.open(path: directory.file("state.sqlite"))
        case .postgres:
            let url = if let database { database } else { try await PostgresTestServer.shared.createDatabase() }
            var logger = Logger(label: "test-postgres")
            logger.logLevel = .error
            // As long as a loaded machine needs to answer (the daemon's own default is 10 s).
            return try await PostgresStateStore.open(
                PostgresLocation(url: url), password: nil,
                role: .node(name: node, spool: spool, leaseSeconds: leaseSeconds), logger: logger,
                connectTimeoutSeconds: 120)
        }
    }
}

/// The roles every store implements, the in-memory one included: the write path, the queue,
/// the gate, the status and the meta facts.
public typealias CoreRoles = LifecycleStore & QueueStore & GateStore & StatusStore & MetaStore & PrivacyStore

/// The stores the role suite runs on: both databases, and the in-memory roles.
public enum RoleBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    /// `SQLiteStateStore` in a temporary directory.
    case sqlite
    /// `PostgresStateStore` on a fresh database of the test server.
    case postgres
    /// `MemoryStore`.
    case memory

    public var description: String { rawValue }

    /// A fresh store with the core roles.
    public func makeStore(in directory: TemporaryDirectory) async throws -> any CoreRoles {
        switch self {
        case .sqlite: try await StoreBackend.sqlite.makeStore(in: directory)
        case .postgres: try await StoreBackend.postgres.makeStore(in: directory)
        case .memory: MemoryStore()
        }
    }
}
