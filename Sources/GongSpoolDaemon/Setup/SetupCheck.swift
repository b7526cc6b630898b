import Foundation
import GongSpoolCore
import GongSpoolHTTP
import GongSpoolSQLite

#if canImport(Glibc)
    import Glibc
#endif

/// `gongspool check` beyond the configuration file: can this user read the spool, write what
/// `afterUpload` and the state need, and does Gong accept the credentials (one cheap
/// authenticated request, `GET /v2/users`, which counts against the day's budget)?
public enum SetupCheck {
    /// One finding.
    public struct Finding: Sendable, Equatable {
        /// How bad it is.
        public enum Severity: Sendable, Equatable {
            /// Fine.
            case ok
            /// Works, but worth knowing.
            case note
            /// The set-up is wrong: `run` would not work (exit 78).
            case wrong
            /// Could not be told now (Gong unreachable, rate limited): try again (exit 69 / 75).
            case unknown
        }

        /// The verdict.
        public var severity: Severity
        /// What was checked.
        public var subject: String
        /// What was found.
        public var detail: String

        /// A finding.
        public init(_ severity: Severity, _ subject: String, _ detail: String) {
            self.severity = severity
            self.subject = subject
            self.detail = detail
        }
    }

    /// `check`'s findings for configuration errors `body` throws: one per problem, named by its key.
    public static func findings(_ body: () throws -> Void) -> [Finding] {
        do {
            try body()
            return []
        } catch {
            return findings(error)
        }
    }

    /// One finding per problem of `error` (every problem of a ``ConfigurationError/several(_:)``).
    public static func findings(_ error: any Error) -> [Finding] {
        guard let error = error as? ConfigurationError else { return [Finding(.wrong, "configuration", "\(error)")] }
        switch error {
        case .several(let problems): return problems.flatMap(findings)
        case .invalid(let key, let message): return [Finding(.wrong, key, message)]
        case .missing(let key, let hint): return [Finding(.wrong, key, "required, \(hint)")]
        default: return [Finding(.wrong, "configuration", error.description)]
        }
    }

    /// The directories `run` reads and writes, as the user running the check sees them.
    public static func files(_ config: Configuration) -> [Finding] {
        var findings: [Finding] = []
        let spool = config.spool.directory
        if let dir = opendir(spool) {
            closedir(dir)
            findings.append(Finding(.ok, "spool", "\(spool) can be listed"))
        } else {
            findings.append(Finding(.wrong, "spool", "\(spool) cannot be listed: \(String(cString: strerror(errno)))"))
        }
        if config.spool.afterUpload != .keep {
            findings.append(writable("spool.directory", spool, because: "afterUpload: \(config.spool.afterUpload.rawValue) removes files from it"))
        }
        if config.spool.afterUpload == .archive, let archive = config.spool.archiveDirectory {
            findings.append(writable("spool.archiveDirectory", archive, because: "afterUpload: archive moves files there"))
        }
        guard !config.state.isPostgres else { return findings }
        let stateDirectory = (config.state.database as NSString).deletingLastPathComponent
        findings.append(writable("state.database", stateDirectory.isEmpty ? "." : stateDirectory, because: "the state database lives there"))
        findings += stateFiles(config)
        findings += credentialFiles(config)
        return findings
    }

    /// Who `run` writes and reads as: this user, or — for root — the state directory's owner,
    /// the user the service runs as (`sudo gongspool check` answers for the service, not for root).
    static func serviceUser(_ config: Configuration) -> StateFiles.Owner? {
        if geteuid() != 0 { return .current }
        return config.state.isPostgres ? nil : StateFiles.serviceOwner(of: config.state.database)
    }

    /// How findings name the user `check` answers for.
    static func describe(_ user: StateFiles.Owner) -> String {
        geteuid() == 0 ? "\(user.name), the state directory's owner and the user the service runs as" : "this user (\(user.name))"
    }

    /// The state's files that exist (the database, its WAL and shared memory, the lock) must be
    /// writable by the service: one left by root would stop the daemon at every start.
    public static func stateFiles(_ config: Configuration) -> [Finding] {
        guard let writer = serviceUser(config) else { return [] }
        let blocked = StateFiles.notWritable(database: config.state.database, by: writer)
        guard !blocked.isEmpty else { return [] }
        return [
            Finding(
                .wrong, "state.database",
                "\(blocked.joined(separator: ", ")) cannot be written by \(describe(writer)): the daemon would stop at every start — "
                    + "chown \(writer.name): \(blocked.joined(separator: " ")), and run operator commands as \(writer.name)")
        ]
    }

    /// Credential files of the configuration (not systemd's, which systemd hands the service)
    /// must be readable by the service.
    public static func credentialFiles(_ config: Configuration) -> [Finding] {
        guard let reader = serviceUser(config) else { return [] }
        let files = [("gong.accessKeyFile", config.gong.accessKeyFile), ("gong.accessKeySecretFile", config.gong.accessKeySecretFile)]
        return files.compactMap { key, path -> Finding? in
            guard let path else { return nil }
            switch StateFiles.allows(reader, writing: false, path) {
            case true?: return nil
            case false?: return Finding(.wrong, key, "\(path) cannot be read by \(describe(reader))")
            case nil: return Finding(.wrong, key, "\(path) does not exist")
            }
        }
    }

    /// `spool.systemId`: derived clientUniqueIds carry it, so it must never change. Not set, the
    /// daemon keeps the one it chose at its first start in the state — lost with the state, and
    /// different on each node of an HA pair that does not share one.
    public static func systemId(_ config: Configuration, inForce: String, source: SystemIdentity.Source) -> Finding {
        if source == .configured { return Finding(.ok, "spool.systemId", "\(inForce) (set in the configuration)") }
        return Finding(
            .note, "spool.systemId",
            "not set: derived clientUniqueIds use \(inForce), from \(source.rawValue). "
                + "Set spool.systemId: \(inForce) so that a new state database, a renamed host or the other node of an HA pair derive the same ids")
    }

    /// A directory that must be writable, or creatable where it does not exist yet.
    static func writable(_ key: String, _ path: String, because: String) -> Finding {
        var probe = path
        while !FileManager.default.fileExists(atPath: probe) {
            let parent = (probe as NSString).deletingLastPathComponent
            if parent.isEmpty || parent == probe { break }
            probe = parent
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: probe, isDirectory: &isDirectory), isDirectory.boolValue else {
            return Finding(.wrong, key, "\(probe) is not a directory (\(because))")
        }
        guard access(probe, W_OK | X_OK) == 0 else {
            return Finding(.wrong, key, "\(probe) is not writable by this user (\(because))")
        }
        return Finding(.ok, key, probe == path ? "\(path) is writable" : "\(path) can be created in \(probe)")
    }

    /// Gong's verdict on the credentials, from one `GET /v2/users`, and that first page of
    /// Gong's users when it came.
    public static func credentials(_ client: GongClient, needUsers: Bool) async -> (Finding, UserListPage?) {
        let subject = "credentials"
        let reply = await client.listUsers(cursor: nil)
        if case .http(200, let body, _) = reply {
            return (Finding(.ok, subject, "accepted by Gong (GET /v2/users)"), UserListPage(json: body))
        }
        return (verdict(reply, subject, needUsers: needUsers), nil)
    }

    /// Every page of Gong's user list after `first` (at most `maxPages`), or `nil` when one did
    /// not come: kept in the state, so that `validate` and `run --dry-run` map users before the
    /// first start.
    public static func users(_ client: GongClient, after first: UserListPage, maxPages: Int = 200) async -> [DirectoryUser]? {
        var users = first.users
        var cursor = first.cursor
        var pages = 1
        while let next = cursor, pages < maxPages {
            guard case .http(200, let body, _) = await client.listUsers(cursor: next), let page = UserListPage(json: body) else { return nil }
            users += page.users
            cursor = page.cursor
            pages += 1
        }
        return cursor == nil ? users : nil
    }

    /// What an answer other than 200 to `GET /v2/users` says about the credentials.
    private static func verdict(_ reply: GongReply, _ subject: String, needUsers: Bool) -> Finding {
        switch reply {
        case .http(403, _, _):
            return needUsers
                ? Finding(
                    .wrong, subject,
                    "accepted, but Gong refused GET /v2/users (403), which users.fromGong needs — \(GongList.forbiddenCauses("api:users:read"))")
                : Finding(
                    .note, subject,
                    "accepted, but Gong refused GET /v2/users (403); users.fromGong would need it — \(GongList.forbiddenCauses("api:users:read"))")
        case .http(401, let body, _):
            return Finding(.wrong, subject, "rejected by Gong (401): \(ResponseClassifier.summary(body))")
        case .http(let status, let body, _) where (300...399).contains(status) || [404, 405, 415].contains(status):
            return Finding(
                .wrong, "gong.baseURL",
                "HTTP \(status) from GET /v2/users: not Gong's API (no /v2 at the end of gong.baseURL; a proxy?): \(ResponseClassifier.summary(body))"
            )
        case let reply:
            return notChecked(reply, subject, "GET /v2/users")
        }
    }

    /// With `gong.reconcile`, whether the key may list calls (`api:calls:read:basic`): one
    /// `GET /v2/calls` over the last minute (200 or Gong's 404 "no calls" both prove the scope).
    public static func reconcileScope(_ client: GongClient, now: Date) async -> Finding {
        let subject = "gong.reconcile"
        switch await client.listCalls(from: now.addingTimeInterval(-60), to: now, cursor: nil) {
        case .http(200, _, _), .http(404, _, _):
            return Finding(.ok, subject, "the key may list calls (GET /v2/calls)")
        case .http(403, _, _):
            return Finding(
                .wrong, subject, "Gong refused GET /v2/calls (403), which reconciliation needs — \(GongList.forbiddenCauses("api:calls:read:basic"))")
        case let reply:
            return notChecked(reply, subject, "GET /v2/calls")
        }
    }

    /// An answer that proves nothing either way: Gong rate limiting, another status, no answer.
    private static func notChecked(_ reply: GongReply, _ subject: String, _ request: String) -> Finding {
        switch reply {
        case .http(429, _, _):
            Finding(.unknown, subject, "not checked: Gong is rate limiting (429); try again in a minute")
        case .http(let status, let body, _):
            Finding(.unknown, subject, "not checked: HTTP \(status) from \(request): \(ResponseClassifier.summary(body))")
        case .transport(let code, let message):
            Finding(.unknown, subject, "not checked: Gong unreachable (\(code)): \(message.prefix(200))")
        }
    }
}
