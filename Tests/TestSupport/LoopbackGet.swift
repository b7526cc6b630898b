import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A GET to the daemon's status endpoint (`/metrics`, `/healthz`) on loopback: status and body.
public func loopbackGet(_ url: String) async throws -> (Int, String) {
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
    let body = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), String(buffer: body))
}
