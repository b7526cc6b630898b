import NIOCore
import NIOHTTP1
import NIOPosix

/// Binds an HTTP/1.1 server socket whose connections are async channels of request and
/// response parts (backpressured). Shared by the status endpoint and the Gong simulator.
public enum HTTPServerChannel {
    /// One accepted connection.
    public typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// Binds `host:port` (0 picks a free port).
    public static func bind(host: String, port: Int) async throws -> NIOAsyncChannel<Connection, Never> {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
    }
}
