import Foundation

/// The requests GongSpool makes of Gong, as the pipeline sees them: each answers a
/// ``GongReply`` (an HTTP answer, or why there was none) and never throws. The daemon's
/// implementation is `GongClient` (async-http-client, in `GongSpoolHTTP`); the core never
/// sees HTTP, sockets or TLS.
public protocol GongAPI: Sendable {
    /// `POST /v2/calls` with the exact stored body.
    func createCall(body: String) async -> GongReply
    /// `PUT /v2/calls/{callId}/media`, streaming `file` as multipart part `mediaFile`.
    func uploadMedia(callId: String, file: SpoolFile, filename: String, kind: MediaKind) async -> GongReply
    /// `GET /v2/users`, one page (`cursor` from the previous page).
    func listUsers(cursor: String?) async -> GongReply
    /// `GET /v2/calls` for calls started in `[from, to)`, one page (`cursor` from the previous page).
    func listCalls(from: Date, to: Date, cursor: String?) async -> GongReply
    /// `POST /v2/data-privacy/erase-data-for-phone-number?phoneNumber=…` (a number in its
    /// international form, `+` and the country code) or `…/erase-data-for-email-address?emailAddress=…`.
    func erase(_ subject: ErasureSubject) async -> GongReply
    /// `GET /v2/data-privacy/data-for-phone-number?phoneNumber=…` or
    /// `…/data-for-email-address?emailAddress=…`: what Gong still holds of `subject` (a call
    /// being deleted is listed with status `PURGE_REQUESTED`, a deleted one no more).
    func privacyData(_ subject: ErasureSubject) async -> GongReply
    /// The whole-request deadline of a create.
    var createDeadlineSeconds: Double { get }
    /// The whole-request deadline of a media upload of `bytes`.
    func uploadDeadlineSeconds(bytes: Int64) -> Double
}
