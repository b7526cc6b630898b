import GongSpoolCore

/// How the simulated Gong behaves. Defaults follow Gong's documented behaviour.
public struct SimulatorOptions: Sendable {
    /// The one accepted access key.
    public var accessKey = "simulator-key"
    /// Its secret.
    public var accessKeySecret = "simulator-secret"
    /// Leaky-bucket rate per second (bucket size equals the rate); 0 disables.
    public var requestsPerSecond: Double = 3
    /// Count the rate as at most `requestsPerSecond` arrivals in any one-second window (stricter
    /// than the bucket: four requests within 0.95 s are a 429 however they are spaced).
    public var slidingWindow = false
    /// Requests per UTC day.
    public var dailyLimit = 10_000
    /// Users whose telephony call import is disabled (create → 409).
    public var disabledUsers: Set<String> = []
    /// The company's users, served by `GET /v2/users`. When not empty, a `primaryUser` outside
    /// it is refused (400) and one whose `telephonyCallsImported` is false gets 409.
    public var users: [DirectoryUser] = []
    /// `GET /v2/users` answers 403 (an access key without the `api:users:read` scope).
    public var usersForbidden = false
    /// Users per page of `GET /v2/users` (Gong: 100).
    public var usersPageSize = 100
    /// Calls per page of `GET /v2/calls` (Gong: 100, fixed).
    public var callsPageSize = 100
    /// `GET /v2/calls` answers 403 (an access key without the `api:calls:read:basic` scope).
    public var callsForbidden = false
    /// The data-privacy endpoints answer 403 (a key without `api:data-privacy:delete` / `:read`).
    public var dataPrivacyForbidden = false
    /// Gong deletes within hours: an erased call stays in the answers of `data-for-…`, with
    /// the status `PURGE_REQUESTED`, for this many of them (0: gone at once).
    public var erasureListedFor = 0
    /// Share of requests answered 500/503 before any processing.
    public var failureRate = 0.0
    /// Share of successful creates and media uploads whose response is lost after the commit.
    public var lostResponseRate = 0.0
    /// Delay before each answer, in milliseconds (after the request was processed and committed).
    public var latencyMilliseconds = 0
    /// Only the first this many requests are delayed; `nil`: all of them.
    public var latencyRequestCount: Int?
    /// Share of media uploads whose connection is closed after the first body bytes arrived
    /// (nothing stored), like a reset in the middle of an upload.
    public var resetMidUploadRate = 0.0
    /// The first this many media uploads are answered 503 before their body is read.
    public var failedMediaUploads = 0
    /// The next this many requests are answered 429 with `Retry-After: forcedRetryAfterSeconds`.
    public var forced429Count = 0
    /// `Retry-After` of forced 429s.
    public var forcedRetryAfterSeconds = 2
    /// When set, the `Retry-After` header of forced 429s exactly as given (a proxy's nonsense:
    /// `10000000000000000`, `inf`, a date in year 9999).
    public var forcedRetryAfterHeader: String?
    /// The first this many media uploads Gong stores have their answer lost (the connection
    /// closes after the commit), like a reset on the way back.
    public var lostMediaAnswers = 0
    /// Containers (`wav`, `mp3`, `mp4`, `mkv`, `flac`) answered 415 after the body was read, as
    /// Gong is reported to for a media type it will not take (a codec it does not decode).
    public var refusedMediaKinds: Set<String> = []
    /// Answers from Gong's edge instead of Gong: each is given once, to the first request it
    /// matches, before authentication and limits (nothing is counted or stored).
    public var edgeAnswers: [EdgeAnswer] = []
    /// Media size limit (Gong: 1.5 GB).
    public var maxMediaBytes: Int64 = 1_500_000_000
    /// Seed for every random decision (faults, ids).
    public var seed: UInt64 = 1
    /// Tenant host label used in media URLs.
    public var tenant = "us-00000"

    /// Defaults.
    public init() {}
}

/// An answer from in front of Gong (a load balancer, a proxy, a captive portal): not JSON, or
/// no body at all.
public struct EdgeAnswer: Sendable {
    /// The request it answers: method and path prefix (`GET`, `/v2/calls`).
    public var method: String, pathPrefix: String
    /// The status.
    public var status: Int
    /// An HTML page, or an empty body.
    public var html: Bool

    /// An edge answer.
    public init(method: String, pathPrefix: String, status: Int, html: Bool = true) {
        self.method = method
        self.pathPrefix = pathPrefix
        self.status = status
        self.html = html
    }
}
