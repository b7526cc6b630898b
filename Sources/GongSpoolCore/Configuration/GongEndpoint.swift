import Foundation

#if canImport(Glibc)
    import Glibc
#endif

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
        let loopback = Self.isLoopback(host)
        switch scheme {
        case "https": break
        case "http" where loopback: break
        case "http": throw .invalid(key: "gong.baseURL", message: "must use https (plain http is allowed for loopback hosts only)")
        default: throw .invalid(key: "gong.baseURL", message: "unsupported scheme \(scheme)")
        }
        if url.query != nil || url.user != nil {
            throw .invalid(key: "gong.baseURL", message: "must not carry a query or credentials")
        }
        // GongSpool adds /v2/calls itself: a base URL copied with its /v2 would ask for /v2/v2/calls.
        if url.path.split(separator: "/").last?.lowercased() == "v2" {
            throw .invalid(
                key: "gong.baseURL",
                message: "ends in /v2: give the base URL without it (e.g. https://us-12345.api.gong.io); GongSpool adds /v2/calls")
        }
        self.baseURL = text
        self.isLoopback = loopback
    }

    /// The placeholder of the shipped configuration (`https://us-12345.api.gong.io`): not a company's URL.
    public var isPlaceholder: Bool {
        URL(string: baseURL)?.host?.lowercased() == "us-12345.api.gong.io"
    }

    /// `localhost`, an IPv4 address in 127.0.0.0/8, or `::1` — parsed as addresses, so that a
    /// name like `127.attacker.example` is not taken for loopback.
    static func isLoopback(_ rawHost: String) -> Bool {
        var host = rawHost.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1 }
        }
        return false
    }
}
