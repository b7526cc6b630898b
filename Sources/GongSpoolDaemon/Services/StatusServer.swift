import Foundation
import GongSpoolCore
import GongSpoolHTTP
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// A small HTTP endpoint on `metrics.listen`: `GET /metrics` (Prometheus text) and
/// `GET /healthz` (200 `ok`, or 503 `degraded: …`). Meant for loopback or a private network.
struct StatusServer: Service, CustomStringConvertible {
    let host: String
    let port: Int
    let metrics: @Sendable () -> String
    let health: HealthCheck
    let logger: Logger

    var description: String { "StatusServer(\(host):\(port))" }

    func run() async throws {
        do {
            try await serveUntilShutdown()
        } catch is CancellationError {
            return
        } catch {
            // Metrics must not take delivery down: log loudly and carry on without them.
            logger.error("status endpoint unavailable", metadata: ["address": "\(host):\(port)", "error": "\(error)"])
            try? await gracefulShutdown()
        }
    }

    private func serveUntilShutdown() async throws {
        let server = try await HTTPServerChannel.bind(host: host, port: port)
        logger.info("status endpoint listening", metadata: ["address": "\(host):\(server.channel.localAddress?.port ?? port)"])
        try await cancelWhenGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await serve(connection) }
                    }
                }
            }
        }
    }

    private func serve(_ connection: HTTPServerChannel.Connection) async {
        try? await connection.executeThenClose { inbound, outbound in
            for try await part in inbound {
                guard case .head(let head) = part else { continue }
                let (status, body, type) = await respond(to: head)
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: type)
                headers.add(name: "Content-Length", value: "\(body.utf8.count)")
                try await outbound.write(.head(HTTPResponseHead(version: head.version, status: status, headers: headers)))
                try await outbound.write(.body(.byteBuffer(ByteBuffer(string: body))))
                try await outbound.write(.end(nil))
            }
        }
    }

    private func respond(to head: HTTPRequestHead) async -> (HTTPResponseStatus, String, String) {
        guard head.method == .GET else { return (.methodNotAllowed, "GET only\n", "text/plain") }
        switch head.uri.split(separator: "?").first.map(String.init) ?? "" {
        case "/metrics":
            return (.ok, metrics(), "text/plain; version=0.0.4")
        case "/healthz":
            let verdict = await health.evaluate()
            return (verdict.reasons.isEmpty ? .ok : .serviceUnavailable, verdict.text + "\n", "text/plain")
        default:
            return (.notFound, "not found: try /metrics or /healthz\n", "text/plain")
        }
    }
}
