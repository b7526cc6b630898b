import Foundation

/// Where a PostgreSQL state store lives, from `state.database`
/// (`postgresql://gongspool@db.example:5432/gongspool?sslmode=verify-full`). The URL never
/// carries the password: it comes from a file, the environment or a systemd credential, and
/// ``redacted`` is what logs and `status` show.
public struct PostgresLocation: Sendable, Equatable {
    /// How TLS is used, as libpq's `sslmode` names it.
    public enum TLSMode: String, Sendable, Equatable {
        /// Plain TCP (only sensible on loopback or a Unix socket).
        case disable
        /// TLS when the server offers it, certificate verified (libpq's `prefer` does not verify;
        /// GongSpool verifies whenever it uses TLS).
        case prefer
        /// TLS required, certificate verified against the system's (or `sslrootcert`'s) roots.
        case require
        /// As `require`: the certificate and the host name are always verified.
        case verifyCA = "verify-ca"
        /// As `require`.
        case verifyFull = "verify-full"
    }

    /// The user.
    public var user: String
    /// Host name or address, or a Unix socket directory (`host=/run/postgresql`).
    public var host: String
    /// Port.
    public var port: Int
    /// The database.
    public var database: String
    /// TLS (`sslmode`; default `verify-full` off loopback, `disable` on loopback and sockets).
    public var tls: TLSMode
    /// Whether `sslmode` was given (a weaker mode off loopback is then the operator's choice,
    /// which `check` names the risk of).
    public var tlsExplicit: Bool
    /// A CA bundle to verify the server with (`sslrootcert`), else the system's roots.
    public var rootCertificate: String?

    /// Whether `text` names a PostgreSQL database rather than a SQLite file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// Parses `state.database`; a password in the URL is refused (it would sit in the YAML and
    /// in every process listing of a command given it).
    public init(url text: String) throws(ConfigurationError) {
        guard Self.isURL(text), let components = URLComponents(string: text) else {
            throw .invalid(key: "state.database", message: "expected postgresql://USER@HOST[:PORT]/DATABASE")
        }
        if components.password != nil {
            throw .invalid(
                key: "state.database",
                message: "the URL carries a password: put it in state.passwordFile, the systemd credential db-password or env GONGSPOOL_DB_PASSWORD")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard let user = components.user ?? query["user"], !user.isEmpty else {
            throw .invalid(key: "state.database", message: "name the user: postgresql://USER@HOST/DATABASE")
        }
        guard !database.isEmpty else {
            throw .invalid(key: "state.database", message: "name the database: postgresql://USER@HOST/DATABASE")
        }
        let host = query["host"] ?? components.host ?? "localhost"
        self.user = user
        self.host = host.isEmpty ? "localhost" : host
        self.port = components.port ?? query["port"].flatMap(Int.init) ?? 5432
        self.database = database
        self.rootCertificate = query["sslrootcert"]
        if let mode = query["sslmode"] {
            guard let parsed = TLSMode(rawValue: mode) else {
                throw .invalid(
                    key: "state.database", message: "sslmode must be disable, prefer, require, verify-ca or verify-full, found \"\(mode)\"")
            }
            tls = parsed
            tlsExplicit = true
        } else {
            // Off loopback the password must never go to a server (or anything in between) that
            // declines TLS: postgres-nio's `prefer` would fall back to plain text.
            tls = Self.isLocal(self.host) ? .disable : .verifyFull
            tlsExplicit = false
        }
    }

    /// Whether the connection stays on this machine: a Unix socket, `localhost`, or an address
    /// that parses as loopback (127.0.0.0/8, ::1, ::ffff:127.x.x.x) — decided by the address,
    /// not by comparing text.
    public static func isLocal(_ host: String) -> Bool {
        if host.hasPrefix("/") || host.lowercased() == "localhost" { return true }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var v4 = in_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, bare, &v6) == 1 else { return false }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
        let mapped = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
        return mapped && bytes[12] == 127
    }

    /// What the TLS mode risks off loopback, if anything (for `check`).
    public var tlsRisk: String? {
        guard !Self.isLocal(host) else { return nil }
        switch tls {
        case .disable: return "sslmode=disable: the password and every recording's metadata cross the network in clear text"
        case .prefer: return "sslmode=prefer: a server, or anything in between, that declines TLS gets the password in clear text"
        case .require, .verifyCA, .verifyFull: return nil
        }
    }

    /// The URL as logs and `status` show it (there is no password in it to hide).
    public var redacted: String {
        let address = host.hasPrefix("/") ? "localhost/\(database)?host=\(host)" : "\(host):\(port)/\(database)"
        return "postgresql://\(user)@\(address)"
    }

    /// The password, first match wins: the systemd credential `db-password`
    /// (`$CREDENTIALS_DIRECTORY/db-password`), `state.passwordFile`, env `GONGSPOOL_DB_PASSWORD`;
    /// `nil` when none is given (trust or peer authentication).
    public static func password(passwordFile: String?, environment: [String: String]) throws(ConfigurationError) -> String? {
        if let directory = environment["CREDENTIALS_DIRECTORY"], FileManager.default.fileExists(atPath: directory + "/db-password") {
            return try Credentials.readSecret(directory + "/db-password", key: "credential db-password")
        }
        if let passwordFile {
            return try Credentials.readSecret(passwordFile, key: "state.passwordFile")
        }
        if let value = environment["GONGSPOOL_DB_PASSWORD"], !value.isEmpty {
            return value
        }
        return nil
    }
}
