/// What came back for one request: an HTTP answer, or a transport failure.
public enum GongReply: Sendable, Equatable {
    /// An HTTP response (body truncated to 64 KiB).
    case http(status: Int, body: String, retryAfter: String?)
    /// No usable response: connect failure, reset, timeout, TLS error…
    case transport(code: ErrorCode, message: String)
}

/// Which request a reply belongs to (classification differs).
public enum GongEndpointKind: String, Sendable {
    /// `POST /v2/calls`.
    case createCall = "create_call"
    /// `PUT /v2/calls/{id}/media`.
    case uploadMedia = "upload_media"
    /// `GET /v2/users`.
    case listUsers = "list_users"
    /// `GET /v2/calls` (reconciliation).
    case listCalls = "list_calls"
    /// `POST /v2/data-privacy/erase-data-for-…` (`gongspool erase`).
    case eraseData = "erase_data"
    /// `GET /v2/data-privacy/data-for-…` (`gongspool audit --verify`).
    case listPrivacyData = "list_privacy_data"
}
