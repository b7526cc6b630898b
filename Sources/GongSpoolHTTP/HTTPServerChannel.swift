import Foundation
import GongSpoolCore
import NIOCore
import NIOHTTP1
import NIOPosix

/// Binds an HTTP/1.1 server socket whose connections are async channels of request and
/// response parts (backpressured). Shared by the status endpoint and the Gong simulator.
public enum HTTPServerChannel {
    /// One accepted connection.
    public typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// Binds `host:port` (0 picks a free port). With `arrivalHeader`, every request's head
    /// carries when it arrived (seconds since the epoch, read on the event loop), whatever the
    /// server's own tasks are busy with when they get to it.
    public static func bind(host: String, port: Int, arrivalHeader: String? = nil) async throws -> NIOAsyncChannel<Connection, Never> {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    if let arrivalHeader {
                        try channel.pipeline.syncOperations.addHandler(ArrivalStamp(header: arrivalHeader))
                    }
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
    }
}

/// Writes the time a request's head arrived into header `header` (replacing any the client sent).
final class ArrivalStamp: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    let header: String

    init(header: String) {
        self.header = header
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var part = unwrapInboundIn(data)
        if case .head(var head) = part {
            head.headers.replaceOrAdd(name: header, value: String(Date().timeIntervalSince1970))
            part = .head(head)
        }
        context.fireChannelRead(wrapInboundOut(part))
    }
}
