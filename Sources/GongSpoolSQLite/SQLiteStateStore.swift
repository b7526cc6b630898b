import Foundation
import GRDB
import GongSpoolCore

#if canImport(Glibc)
    import Glibc
#endif

/// The embedded state store: a SQLite database (system libsqlite3 through GRDB) in
/// WAL mode with `synchronous=FULL`, so every committed transition survives a crash or power
/// loss, and operator commands can read while the daemon writes.
public struct SQLiteStateStore: StateStore {
    /// The connection pool (one writer, concurrent readers).
    let pool: DatabasePool
    /// The database file.
    public let path: String

    /// The database file.
    public var location: String { path }

    /// The database file.
    public var databaseFile: String? { path }

    /// Opens (creating if needed) the database at `path` and migrates it.
    public static func open(path: String, busyTimeoutSeconds: Double = 5) throws(StoreError) -> SQLiteStateStore {
        var config = GRDB.Configuration()
        config.busyMode = .timeout(busyTimeoutSeconds)
        config.prepareDatabase { db in
            guard !db.configuration.readonly else { return }
            // Before the first table exists this makes the file incrementally vacuumable.
            try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
        }
        do {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            let pool = try openPool(path: path, configuration: config)
            // GRDB picks NORMAL for WAL; FULL makes every commit durable across power loss.
            // The pool keeps a single writer connection, so setting it once covers every write.
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            try migrateExclusively(pool, path: path)
            // Run as root (an operator command before the first start): the files are the service's.
            StateFiles.handOver(database: path)
            return SQLiteStateStore(pool: pool, path: path)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .open(path: path, underlying: String(describing: error))
        }
    }

    /// Opens the pool. Turning a new database to WAL needs the file to itself, and when several
    /// processes create the same database at once (a daemon starting while an operator command
    /// opens it, on a loaded machine) that can answer "database is locked" past the busy
    /// timeout: such an answer is tried again, ten times at most (5.5 s more in all).
    static func openPool(path: String, configuration: GRDB.Configuration) throws -> DatabasePool {
        var attempt = 0
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempt < 10 {
                attempt += 1
                usleep(UInt32(100_000 * attempt))
            }
        }
    }

    /// Migrates, one process at a time. GRDB reads which migrations are applied once and then
    /// runs the rest: a daemon and an operator command opening a new database together would
    /// both run the same migration, and one would fail ("table … already exists"). An `flock`
    /// on the database's directory makes the second wait and then find the migrations done.
    /// Not on the database file itself: closing any descriptor of it would drop SQLite's own
    /// POSIX locks on it (SQLite then reports disk I/O errors). A migrated database takes no lock.
    static func migrateExclusively(_ pool: DatabasePool, path: String) throws {
        if try pool.read({ try migrator.hasCompletedMigrations($0) }) { return }
        let directory = (path as NSString).deletingLastPathComponent
        let fd = Glibc.open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw StoreError.open(path: path, underlying: "cannot open its directory to lock its migration: \(String(cString: strerror(errno)))")
        }
        defer { Glibc.close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw StoreError.open(path: path, underlying: "cannot lock its directory for its migration: \(String(cString: strerror(errno)))")
            }
        }
        defer { flock(fd, LOCK_UN) }
        try migrator.migrate(pool)
    }

    /// Runs `body` in one write transaction.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        try await Self.mapErrors { try await pool.write(body) }
    }

    /// Runs `body` in one write transaction committed without waiting for the disk
    /// (`synchronous=NORMAL` for this transaction only): for rows nothing was sent for yet — a
    /// first start's year of `skipped` rows, files still settling — which intake simply sees again
    /// if a power loss takes the last commits. Everything that is sent is committed with `FULL`.
    func writeLazily<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        try await Self.mapErrors {
            try await pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                let outcome = Result { () throws -> T in
                    var result: T?
                    try db.inTransaction {
                        result = try body(db)
                        return .commit
                    }
                    guard let result else { throw StoreError.sqlite("transaction produced no result") }
                    return result
                }
                // Every later write is durable again; should even this fail, the write fails
                // rather than leaving the connection lazy.
                try db.execute(sql: "PRAGMA synchronous = FULL")
                return try outcome.get()
            }
        }
    }

    /// Runs `body` on a read snapshot.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        try await Self.mapErrors { try await pool.read(body) }
    }

    /// Passes ``StoreError`` through and wraps everything else (SQLite's errors) as `.sqlite`.
    static func mapErrors<T>(_ operation: () async throws -> T) async throws(StoreError) -> T {
        do {
            return try await operation()
        } catch let error as StoreError {
            throw error
        } catch {
            throw .sqlite(String(describing: error))
        }
    }

    /// Closes the pool; further use throws.
    public func close() throws {
        try pool.close()
    }
}
