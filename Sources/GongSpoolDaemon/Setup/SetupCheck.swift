import Foundation
import GongSpoolCore
import GongSpoolHTTP

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
        let stateDirectory = (config.state.database as NSString).deletingLastPathComponent
        findings.append(writable("state.database", stateDirectory.isEmpty ? "." : stateDirectory, because: "the state database lives there"))
        return findings
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

    /// Gong's verdict on the credentials, from one `GET /v2/users`.
    public static func credentials(_ client: GongClient, needUsers: Bool) async -> Finding {
        let subject = "credentials"
        switch await client.listUsers(cursor: nil) {
        case .http(200, _, _):
            return Finding(.ok, subject, "accepted by Gong (GET /v2/users)")
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
