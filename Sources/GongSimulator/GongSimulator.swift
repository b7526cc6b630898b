import Foundation
import GongSpoolCore
import GongSpoolHTTP
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// A strict fake Gong API on loopback (see `../shared/gong/reference.md` §9): authentication,
/// schema and cross-field validation, Gong's exact duplicate answers, 409 for configured users,
/// rate and daily limits with 429 + `Retry-After`, fault injection, and a record of everything.
///
/// Run it with ``withRunning(host:port:options:logger:_:)``, which keeps it structured: the
/// server lives exactly as long as the closure.
public struct GongSimulator: Sendable {
    /// The behaviour and the record.
    public let state: SimulatorState
    /// The bound port.
    public let port: Int
    /// The bound host.
    public let host: String

    /// `http://host:port`, the base URL to configure.
    public var baseURL: String { "http://\(host):\(port)" }

    /// Starts a simulator, runs `body`, then stops it.
    public static func withRunning<T: Sendable>(
        host: String = "127.0.0.1", port: Int = 0, options: SimulatorOptions = SimulatorOptions(),
        logger: Logger = Logger(label: "gong-simulator"),
        _ body: @escaping @Sendable (GongSimulator) async throws -> T
    ) async throws -> T {
        let state = SimulatorState(options: options)
        let server = try await HTTPServerChannel.bind(host: host, port: port, arrivalHeader: SimulatorConnection.arrivalHeader)
        let bound = server.channel.localAddress?.port ?? port
        let simulator = GongSimulator(state: state, port: bound, host: host)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await withThrowingDiscardingTaskGroup { connections in
                    try await server.executeThenClose { inbound in
                        for try await connection in inbound {
                            connections.addTask {
                                await SimulatorConnection(state: state, options: options, logger: logger).serve(connection)
                            }
                        }
                    }
                }
                return nil
            }
            group.addTask { try await body(simulator) }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            throw CancellationError()
        }
    }
}
