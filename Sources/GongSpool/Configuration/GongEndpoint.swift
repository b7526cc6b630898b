import Foundation

/// A checked Gong base URL: HTTPS, or plain HTTP only towards a loopback host.
public struct GongEndpoint: Sendable, Equatable {
    /// The base URL without a trailing slash.
    public let baseURL: String
    /// Whether the host is loopback (plain HTTP allowed, e.g. the simulator).
    public let isLoopback: Bool

    /// Checks `baseURL`; errors name `gong.baseURL`.
    public init(baseURL raw: String) throws(ConfigurationError) {
        var text = raw
        while text.hasSuffix("/") { text.removeLast() }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw .invalid(key: "gong.baseURL", message: "not an absolute URL: \"\(raw)\"")
        }
        let loopback = ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased()) || host.hasPrefix("127.")
        switch scheme {
        case "https": break
        case "http" where loopback: break
        case "http": throw .invalid(key: "gong.baseURL", message: "must use https (plain http is allowed for loopback hosts only)")
        default: throw .invalid(key: "gong.baseURL", message: "unsupported scheme \(scheme)")
        }
        if url.query != nil || url.user != nil {
            throw .invalid(key: "gong.baseURL", message: "must not carry a query or credentials")
        }
        self.baseURL = text
        self.isLoopback = loopback
    }
}
