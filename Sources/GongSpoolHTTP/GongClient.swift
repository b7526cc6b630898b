import AsyncHTTPClient
import Foundation
import GongSpoolCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Talks to Gong: `POST /v2/calls` and `PUT /v2/calls/{id}/media`, with Basic auth,
/// TLS verification on (plain HTTP only for loopback), no redirects (credentials never
/// follow a redirect), and deadlines sized from the request. Never logs `Authorization`.
public struct GongClient: GongAPI, CustomStringConvertible {
    private let http: HTTPClient
    private let endpoint: GongEndpoint
    private let authorization: String
    private let settings: GongSettings
    private let logger: Logger

    /// Creates a client over a shared `HTTPClient` (owned by the caller).
    public init(http: HTTPClient, endpoint: GongEndpoint, credentials: Credentials, settings: GongSettings, logger: Logger) {
        self.http = http
        self.endpoint = endpoint
        self.authorization = credentials.basicAuthorization
        self.settings = settings
        self.logger = logger
    }

    /// Never shows the credentials (this value may end up in a log).
    public var description: String { "GongClient(\(endpoint.baseURL), authorization: <redacted>)" }

    /// The HTTP client configuration GongSpool uses.
    public static func httpConfiguration(_ settings: GongSettings) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(
                connect: .milliseconds(Bounded.milliseconds(settings.connectTimeoutSeconds)),
                read: .milliseconds(Bounded.milliseconds(settings.readTimeoutSeconds))))
        configuration.httpVersion = .http1Only
        return configuration
    }

    /// `POST /v2/calls` with the exact stored body.
    public func createCall(body: String) async -> GongReply {
        var request = HTTPClientRequest(url: endpoint.baseURL + "/v2/calls")
        request.method = .POST
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        return await send(request, timeoutSeconds: createDeadlineSeconds, kind: .createCall)
    }

    /// The whole-request deadline of a create.
    public var createDeadlineSeconds: Double { settings.connectTimeoutSeconds + settings.readTimeoutSeconds }

    /// The whole-request deadline of a media upload of `bytes`: the body at the slowest tolerated
    /// rate, plus time to connect and to answer.
    public func uploadDeadlineSeconds(bytes: Int64) -> Double {
        settings.connectTimeoutSeconds + max(Double(bytes) / settings.minUploadBytesPerSecond, 30) + settings.readTimeoutSeconds
    }

    /// `PUT /v2/calls/{callId}/media`, streaming `file` as multipart part `mediaFile`.
    public func uploadMedia(callId: String, file: SpoolFile, filename: String, kind: MediaKind) async -> GongReply {
        let body = MultipartMediaBody(
            file: file, filename: filename, contentType: kind.contentType,
            boundary: "gongspool-" + UUID().uuidString.replacingOccurrences(of: "-", with: ""))
        let escapedId = callId.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? callId
        var request = HTTPClientRequest(url: endpoint.baseURL + "/v2/calls/\(escapedId)/media")
        request.method = .PUT
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "Content-Type", value: body.contentType)
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .stream(body, length: .known(body.length))
        return await send(request, timeoutSeconds: uploadDeadlineSeconds(bytes: body.length), kind: .uploadMedia)
    }

    /// `GET /v2/users`, one page (`cursor` from the previous page).
    public func listUsers(cursor: String?) async -> GongReply {
        var url = endpoint.baseURL + "/v2/users"
        if let cursor {
            url += "?cursor=" + (cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor)
        }
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "Accept", value: "application/json")
        return await send(
            request, timeoutSeconds: settings.connectTimeoutSeconds + settings.readTimeoutSeconds, kind: .listUsers, bodyLimit: 16 << 20)
    }

    /// `POST /v2/data-privacy/erase-data-for-phone-number?phoneNumber=…` or
    /// `…/erase-data-for-email-address?emailAddress=…` (`+` sent as `%2B`: a bare `+` in a
    /// query reads as a space).
    public func erase(_ subject: ErasureSubject) async -> GongReply {
        var request = HTTPClientRequest(url: endpoint.baseURL + "/v2/data-privacy/erase-" + Self.privacyQuery(subject))
        request.method = .POST
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "Accept", value: "application/json")
        return await send(request, timeoutSeconds: createDeadlineSeconds, kind: .eraseData)
    }

    /// `GET /v2/data-privacy/data-for-phone-number?phoneNumber=…` or
    /// `…/data-for-email-address?emailAddress=…`.
    public func privacyData(_ subject: ErasureSubject) async -> GongReply {
        var request = HTTPClientRequest(url: endpoint.baseURL + "/v2/data-privacy/" + Self.privacyQuery(subject))
        request.method = .GET
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "Accept", value: "application/json")
        return await send(
            request, timeoutSeconds: settings.connectTimeoutSeconds + settings.readTimeoutSeconds, kind: .listPrivacyData, bodyLimit: 16 << 20)
    }

    /// `data-for-phone-number?phoneNumber=…` or `data-for-email-address?emailAddress=…`.
    static func privacyQuery(_ subject: ErasureSubject) -> String {
        switch subject {
        case .phone(let number): "data-for-phone-number?phoneNumber=" + encoded(number)
        case .email(let address): "data-for-email-address?emailAddress=" + encoded(address)
        }
    }

    /// `text` as a query value: everything but letters and digits percent-encoded.
    static func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text }

    /// `GET /v2/calls` for calls started in `[from, to)`, one page (`cursor` from the previous page).
    public func listCalls(from: Date, to: Date, cursor: String?) async -> GongReply {
        var url =
            endpoint.baseURL + "/v2/calls?fromDateTime=" + Self.encoded(ISOTimestamp.format(from)) + "&toDateTime="
            + Self.encoded(ISOTimestamp.format(to))
        if let cursor { url += "&cursor=" + Self.encoded(cursor) }
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "Accept", value: "application/json")
        return await send(
            request, timeoutSeconds: settings.connectTimeoutSeconds + settings.readTimeoutSeconds, kind: .listCalls, bodyLimit: 16 << 20)
    }

    private func send(_ request: HTTPClientRequest, timeoutSeconds: Double, kind: GongEndpointKind, bodyLimit: Int = 64 * 1024) async -> GongReply {
        do {
            let response = try await http.execute(request, timeout: .milliseconds(Bounded.milliseconds(timeoutSeconds)))
            let body = try await response.body.collect(upTo: bodyLimit)
            let text = String(buffer: body)
            let reply = GongReply.http(status: Int(response.status.code), body: text, retryAfter: response.headers.first(name: "Retry-After"))
            DaemonMetrics.request(endpoint: kind, reply: reply)
            logger.debug("gong answered", metadata: ["endpoint": "\(kind.rawValue)", "status": "\(response.status.code)"])
            return reply
        } catch {
            let reply = GongReply.transport(code: Self.code(error), message: String(describing: error))
            DaemonMetrics.request(endpoint: kind, reply: reply)
            return reply
        }
    }

    /// What a failure says about the request: never written (Gong unreachable: refused, no
    /// route, DNS, TLS handshake), cut off, or timed out.
    static func code(_ error: any Error) -> ErrorCode {
        switch error {
        case let error as HTTPClientError:
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout: return .timeout
            case .connectTimeout: return .connectTimeout
            case .remoteConnectionClosed: return .connectionClosed
            default: return .transportError
            }
        case is NIOConnectionError, is SocketAddressError:
            return .gongUnreachable
        case let error as IOError where [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL].contains(error.errnoCode):
            return .gongUnreachable
        case NIOSSLError.handshakeFailed:
            return .gongUnreachable
        default:
            return .transportError
        }
    }
}
