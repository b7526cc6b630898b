import Foundation

/// The whole effective configuration of GongSpool: one value tree with defaults,
/// decoded from YAML by ``ConfigurationLoader``. Every key is documented in
/// `docs/configuration.md`.
public struct Configuration: Sendable, Equatable, Codable {
    /// Where recordings come from and what happens to them afterwards.
    public var spool = SpoolSettings()
    /// How to reach Gong and how hard to use it.
    public var gong = GongSettings()
    /// Backoff for retryable failures.
    public var retry = RetrySettings()
    /// Where the state database lives.
    public var state = StateSettings()
    /// The metrics and health endpoint.
    public var metrics = MetricsSettings()
    /// What the daemon's log says beyond each recording's lines.
    public var log = LogSettings()
    /// Gong request fields merged under every sidecar (the sidecar wins).
    public var defaults: JSONValue = .object([:])
    /// Where call facts come from (sidecar, file name, CDR) and how they map to Gong fields.
    public var metadata = MetadataSettings()
    /// PBX identifiers → Gong users.
    public var users = UserSettings()
    /// Whose calls are never sent.
    public var privacy = PrivacySettings()
    /// How long archived recordings are kept.
    public var archive = ArchiveSettings()

    /// A configuration with every default.
    public init() {}

    /// Every problem of the values: bounds, and the rules that span keys.
    func check(_ problems: inout ConfigProblems) {
        problems.within(CodingKeys.spool) { spool.check(&$0) }
        problems.within(CodingKeys.gong) { gong.check(&$0) }
        problems.within(CodingKeys.retry) { retry.check(&$0) }
        problems.within(CodingKeys.state) { state.check(&$0) }
        problems.within(CodingKeys.metrics) { metrics.check(&$0) }
        problems.within(CodingKeys.log) { log.check(&$0) }
        problems.within(CodingKeys.metadata) { metadata.check(&$0) }
        problems.within(CodingKeys.users) { users.check(&$0) }
        problems.within(CodingKeys.privacy) { privacy.check(&$0) }
        problems.within(CodingKeys.archive) { archive.check(&$0) }
        if archive.retentionDays > 0, spool.afterUpload != .archive {
            problems.invalid(
                CodingKeys.archive, "retentionDays applies to spool.afterUpload: archive (the archive's files); it is \(spool.afterUpload.rawValue)")
        }
        if case .object = defaults {} else { problems.invalid(CodingKeys.defaults, "expected a mapping of Gong request fields") }
        problems.check { _ = try CallMapping(self) }
        if metadata.isMapped && !users.isConfigured && metadata.effectiveSidecar != .gong {
            problems.missing(CodingKeys.users, hint: "PBX metadata names extensions, not Gong users: set users.table, users.file or users.fromGong")
        }
    }
}

/// What to do with a recording's files once Gong has it.
public enum AfterUpload: String, Sendable, Equatable, ConfigChoice {
    /// Leave both files where they are.
    case keep
    /// Move audio and sidecar under `spool.archiveDirectory`, keeping the relative path.
    case archive
    /// Delete audio and sidecar.
    case delete
}

/// Which recordings the queue sends first when it cannot send everything at once.
public enum QueueOrder: String, Sendable, Equatable, ConfigChoice {
    /// Most recent recordings first (what users look for in Gong today).
    case newestFirst = "newest-first"
    /// Oldest first (a strict backfill).
    case oldestFirst = "oldest-first"

    /// The other end.
    public var reversed: QueueOrder { self == .newestFirst ? .oldestFirst : .newestFirst }
}

/// `spool.*` keys.
public struct SpoolSettings: Sendable, Equatable, Codable {
    /// The spool directory (required by `run`).
    public var directory: String = ""
    /// Whether sub-directories are scanned too.
    public var recursive = false
    /// How long size and mtime must stay unchanged before a file counts as complete.
    public var settleSeconds = 10.0
    /// Time between two scans.
    public var pollIntervalSeconds = 5.0
    /// How long an audio file may wait for its sidecar (or the reverse) before it is `orphaned`.
    public var orphanAfterMinutes = 60.0
    /// What happens to the files of a `done` recording.
    public var afterUpload = AfterUpload.keep
    /// Target of `afterUpload: archive`.
    public var archiveDirectory: String?
    /// What the first start takes of what is already in the spool; `nil` when not set: then a
    /// first start takes everything, unless that is more than one day's budget (the
    /// administrator must say what they want).
    public var backfill: Backfill?
    /// Which recordings go first under a backlog.
    public var order = QueueOrder.newestFirst
    /// How intake notices new files: `auto` (inotify on local file systems, polling always),
    /// `poll` (polling only), `inotify` (insist on inotify; polling still runs).
    public var watch = WatchMode.auto
    /// Every this many minutes a poll lists every directory, changed or not (the correctness net
    /// under the mtime-based incremental polls).
    public var fullRescanMinutes = 60.0
    /// Recordings shorter than this many seconds are `skipped` (no request spent): Gong does not
    /// import telephony calls under its minimum duration (30 s by default). 0 turns it off.
    public var minDurationSeconds = 30.0
    /// A WAV recording whose every channel peaks below this level (dBFS) is `skipped` as silent;
    /// a silent channel of a stereo file is not given to the rep. `nil` (`off`): not measured.
    public var silenceThresholdDb: NumberOrOff = -50
    /// IANA zone of naive timestamps in file names, sidecars and CDRs.
    public var timeZone = "UTC"
    /// Names this PBX in derived `clientUniqueId`s; `nil`: the host name.
    public var systemId: String?

    /// The system id in force.
    public var effectiveSystemId: String {
        if let systemId, !systemId.isEmpty { return systemId }
        return ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "pbx"
    }

    /// Defaults.
    public init() {}

    func check(_ problems: inout ConfigProblems) {
        problems.number(settleSeconds, CodingKeys.settleSeconds, min: 0)
        problems.number(pollIntervalSeconds, CodingKeys.pollIntervalSeconds, min: 0.05)
        problems.number(orphanAfterMinutes, CodingKeys.orphanAfterMinutes, min: 0)
        problems.number(fullRescanMinutes, CodingKeys.fullRescanMinutes, min: 0)
        problems.number(minDurationSeconds, CodingKeys.minDurationSeconds, min: 0)
        if let level = silenceThresholdDb.number, !level.isFinite || !(-120...0).contains(level) {
            problems.invalid(CodingKeys.silenceThresholdDb, "must be between -120 and 0 (or off), found \(Bounded.text(level))")
        }
        if afterUpload == .archive, archiveDirectory?.isEmpty ?? true {
            problems.missing(CodingKeys.archiveDirectory, hint: "needed when spool.afterUpload is archive")
        }
        if afterUpload == .archive, let archive = archiveDirectory, !archive.isEmpty, !directory.isEmpty {
            let root = URL(fileURLWithPath: directory).standardizedFileURL.path
            let target = URL(fileURLWithPath: archive).standardizedFileURL.path
            if target == root || target.hasPrefix(root + "/") { problems.invalid(CodingKeys.archiveDirectory, "must lie outside spool.directory") }
        }
    }

    /// What `run` needs of the spool: a directory that is there.
    func checkForRun(_ problems: inout ConfigProblems) {
        var isDirectory: ObjCBool = false
        if directory.isEmpty {
            problems.missing(CodingKeys.directory, hint: "the directory the PBX writes recordings to")
        } else if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
            problems.invalid(CodingKeys.directory, "\(directory) is not a directory")
        }
    }
}

/// `gong.*` keys.
public struct GongSettings: Sendable, Equatable, Codable {
    /// The company's API base URL, e.g. `https://us-12345.api.gong.io`.
    public var baseURL: String = ""
    /// File holding the access key (first line).
    public var accessKeyFile: String?
    /// File holding the access key secret (first line).
    public var accessKeySecretFile: String?
    /// Requests per second shared by every request GongSpool makes.
    public var requestsPerSecond = 2.0
    /// Requests per UTC day.
    public var dailyRequestLimit = 8_000
    /// Media uploads in flight at once.
    public var maxConcurrentUploads = 2
    /// TCP/TLS connect timeout.
    public var connectTimeoutSeconds = 10.0
    /// Time allowed for a response once a request has been sent.
    public var readTimeoutSeconds = 60.0
    /// Slowest upload rate tolerated; sizes a media upload's whole-request deadline.
    public var minUploadBytesPerSecond = 256_000.0
    /// Whether the daemon checks once a day that Gong lists the calls it delivered
    /// (`GET /v2/calls`, needs the `api:calls:read:basic` scope).
    public var reconcile = false

    /// Defaults.
    public init() {}

    func check(_ problems: inout ConfigProblems) {
        problems.number(requestsPerSecond, CodingKeys.requestsPerSecond, min: 0.01)
        problems.integer(dailyRequestLimit, CodingKeys.dailyRequestLimit, min: 1)
        problems.integer(maxConcurrentUploads, CodingKeys.maxConcurrentUploads, min: 1, max: 64)
        problems.number(connectTimeoutSeconds, CodingKeys.connectTimeoutSeconds, min: 0.1)
        problems.number(readTimeoutSeconds, CodingKeys.readTimeoutSeconds, min: 0.1)
        problems.number(minUploadBytesPerSecond, CodingKeys.minUploadBytesPerSecond, min: 1)
        if !baseURL.isEmpty { problems.check { _ = try GongEndpoint(baseURL: baseURL) } }
    }

    /// What `run` needs of Gong: its address — the company's, not the shipped file's placeholder.
    func checkForRun(_ problems: inout ConfigProblems) {
        if baseURL.isEmpty {
            problems.missing(CodingKeys.baseURL, hint: "your company's API URL from Gong's API settings page, e.g. https://us-12345.api.gong.io")
        } else if (try? GongEndpoint(baseURL: baseURL))?.isPlaceholder == true {
            problems.invalid(
                CodingKeys.baseURL, "\(baseURL) is the shipped configuration's placeholder: set your company's API URL from Gong's API settings page")
        }
    }
}

/// `retry.*` keys.
public struct RetrySettings: Sendable, Equatable, Codable {
    /// Smallest backoff ceiling, for the first retry.
    public var initialBackoffSeconds = 30.0
    /// Largest backoff.
    public var maxBackoffSeconds = 3600.0
    /// After this long without success a recording is `held`.
    public var giveUpAfterHours = 72.0

    /// Defaults.
    public init() {}

    func check(_ problems: inout ConfigProblems) {
        problems.number(initialBackoffSeconds, CodingKeys.initialBackoffSeconds, min: 0)
        problems.number(maxBackoffSeconds, CodingKeys.maxBackoffSeconds, min: 0)
        problems.number(giveUpAfterHours, CodingKeys.giveUpAfterHours, min: 0)
        if maxBackoffSeconds < initialBackoffSeconds {
            problems.invalid(CodingKeys.maxBackoffSeconds, "must not be below retry.initialBackoffSeconds")
        }
    }
}

/// `state.*` keys.
public struct StateSettings: Sendable, Equatable, Codable {
    /// Path of the SQLite state database, or a PostgreSQL URL (a fleet: every node pointing at
    /// the same database shares Gong's limits and each call's claim).
    public var database = "/var/lib/gongspool/state.sqlite"
    /// The PostgreSQL password's file (else the systemd credential `db-password` or env
    /// `GONGSPOOL_DB_PASSWORD`); never the password itself.
    public var passwordFile: String?
    /// This node's name in the fleet (default: the host name); two running nodes may not share one.
    public var node: String?
    /// How long a node's claim on a recording it works on (and on its spool's intake) lasts
    /// without renewal: after that, another node that reads the same spool takes it over.
    public var leaseSeconds = 60.0
    /// The spool's name in the fleet: nodes that read the same spool (an HA pair on one NFS
    /// share) give it the same name; default `NODE:DIRECTORY`, a spool of this node alone.
    public var spoolName: String?
    /// Days the history (transitions, with their reasons) of a finished recording is kept; the
    /// daemon prunes older history every hour, the rows stay (0: kept until `gongspool prune`).
    public var historyDays = 0.0

    /// Defaults.
    public init() {}

    /// Whether the state lives in PostgreSQL.
    public var isPostgres: Bool { PostgresLocation.isURL(database) }

    /// This node's name: `node`, else the host name.
    public var nodeName: String {
        if let node, !node.isEmpty { return node }
        return ProcessInfo.processInfo.hostName
    }

    func check(_ problems: inout ConfigProblems) {
        problems.number(leaseSeconds, CodingKeys.leaseSeconds, min: 1)
        problems.number(historyDays, CodingKeys.historyDays, min: 0, max: 36_500)
        if isPostgres { problems.check { _ = try PostgresLocation(url: database) } }
    }
}

/// `metrics.*` keys.
public struct MetricsSettings: Sendable, Equatable, Codable {
    /// `host:port` for `/metrics` and `/healthz`; empty turns the endpoint off.
    public var listen = "127.0.0.1:9464"

    /// Defaults.
    public init() {}

    /// The host and port, or `nil` when off.
    public var address: (host: String, port: Int)? {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else { return nil }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }

    func check(_ problems: inout ConfigProblems) {
        if !listen.isEmpty, address.map({ (0...65_535).contains($0.port) }) != true {
            problems.invalid(CodingKeys.listen, "expected host:port (e.g. 127.0.0.1:9464) or empty to turn it off, found \"\(listen)\"")
        }
    }
}

/// `spool.watch`.
public enum WatchMode: String, Sendable, Equatable, ConfigChoice {
    /// inotify when the spool is on a local file system, else polling only.
    case auto
    /// Polling only.
    case poll
    /// inotify (an error if the kernel refuses); polling still runs as the baseline.
    case inotify
}

/// `spool.backfill`: on first start, take every recording already in the spool (`all`), none of
/// them (`none`: only files modified after the first start), or those modified since a date.
public enum Backfill: Sendable, Equatable, Codable {
    case all
    case none
    case since(Date)

    /// Parses `all`, `none`, `YYYY-MM-DD` (UTC midnight) or an ISO-8601 timestamp with zone.
    public init?(_ text: String) {
        switch text {
        case "all": self = .all
        case "none": self = .none
        default:
            if let date = ISOTimestamp.parse(text) ?? ISOTimestamp.parse(text + "T00:00:00Z") {
                self = .since(date)
            } else {
                return nil
            }
        }
    }

    /// The configuration text.
    public var text: String {
        switch self {
        case .all: "all"
        case .none: "none"
        case .since(let date): ISOTimestamp.format(date)
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let backfill = Backfill(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "expected all, none or a date like 2026-11-01, found \"\(text)\""))
        }
        self = backfill
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

extension Configuration {
    /// What `run` needs on top of a file that reads: the spool directory and Gong's address,
    /// every missing one named at once.
    public func checkForRun() throws(ConfigurationError) {
        var problems = ConfigProblems()
        problems.within(CodingKeys.spool) { spool.checkForRun(&$0) }
        problems.within(CodingKeys.gong) { gong.checkForRun(&$0) }
        if let error = ConfigurationError.all(problems.all) { throw error }
    }
}
