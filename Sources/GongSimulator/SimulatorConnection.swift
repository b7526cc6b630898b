import Foundation
import GongSpoolCore
import GongSpoolHTTP
import Logging
import NIOCore
import NIOHTTP1

/// Serves the requests of one keep-alive connection, in order.
struct SimulatorConnection: Sendable {
    let state: SimulatorState
    let options: SimulatorOptions
    let logger: Logger

    /// Largest JSON body accepted.
    static let maxJSONBody = 16 << 20
    /// Where the event loop notes each request's arrival.
    static let arrivalHeader = "X-Simulator-Arrived-At"

    func serve(_ connection: HTTPServerChannel.Connection) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var parts = inbound.makeAsyncIterator()
                while let part = try await parts.next() {
                    guard case .head(let head) = part else { continue }
                    if head.headers["Expect"].first?.lowercased() == "100-continue" {
                        try await outbound.write(.head(HTTPResponseHead(version: head.version, status: .continue)))
                    }
                    let response = try await handle(head, parts: &parts)
                    let delay = await state.latency()
                    if delay > 0 {
                        try await Task.sleep(for: .milliseconds(delay))
                    }
                    switch response {
                    case .drop:
                        return
                    case .json(let status, let body, let extra):
                        var headers = HTTPHeaders()
                        headers.add(name: "Content-Type", value: "application/json;charset=UTF-8")
                        headers.add(name: "Content-Length", value: "\(body.utf8.count)")
                        for (name, value) in extra { headers.add(name: name, value: value) }
                        try await outbound.write(
                            .head(HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: status), headers: headers)))
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(string: body))))
                        try await outbound.write(.end(nil))
                    case .raw(let status, let type, let body):
                        var headers = HTTPHeaders()
                        if let type { headers.add(name: "Content-Type", value: type) }
                        headers.add(name: "Content-Length", value: "\(body.utf8.count)")
                        try await outbound.write(
                            .head(HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: status), headers: headers)))
                        if !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(string: body)))) }
                        try await outbound.write(.end(nil))
                    }
                }
            }
        } catch {
            logger.debug("simulator connection ended", metadata: ["error": "\(error)"])
        }
    }

    private func handle(_ head: HTTPRequestHead, parts: inout NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator) async throws
        -> SimulatorResponse
    {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let segments = path.split(separator: "/").map(String.init)
        let method = head.method.rawValue
        let contentType = head.headers["Content-Type"].first
        // Gong counts a request when it arrives: the time the event loop saw its head, not when
        // this task (on a test process's busy pool) got round to it.
        let arrived = head.headers[Self.arrivalHeader].first.flatMap(Double.init).map(Date.init(timeIntervalSince1970:)) ?? Date()
        if let edge = await state.edgeAnswer(method: method, path: path) {
            try await drain(&parts)
            return edge
        }
        if let refusal = await state.admit(method: method, path: path, authorization: head.headers["Authorization"].first, arrivedAt: arrived) {
            try await drain(&parts)
            return refusal
        }
        switch (head.method, segments.count) {
        case (.POST, 2) where segments == ["v2", "calls"]:
            guard let body = try await collect(&parts) else {
                return await state.other(method: method, path: path, status: 413, message: "Request body too large")
            }
            return await state.createCall(contentType: contentType, body: body)
        case (.PUT, 4) where segments[0] == "v2" && segments[1] == "calls" && segments[3] == "media":
            let callId = segments[2]
            if let refusal = await state.checkMedia(callId: callId, contentType: contentType) {
                try await drain(&parts)
                return refusal
            }
            if await state.resetUpload() {
                // Take the first bytes of the body, then drop the connection.
                _ = try await parts.next()
                return await state.uploadReset(callId: callId)
            }
            let part = try await receiveMultipart(contentType: contentType ?? "", &parts)
            return await state.finishMedia(callId: callId, part: part)
        case (.GET, 2) where segments == ["v2", "users"]:
            try await drain(&parts)
            let query = head.uri.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init)
            return await state.listUsers(query: query)
        case (.GET, 2) where segments == ["v2", "calls"]:
            try await drain(&parts)
            let query = head.uri.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init)
            return await state.listCalls(query: query)
        case (.GET, 3) where segments[0] == "v2" && segments[1] == "calls":
            try await drain(&parts)
            return await state.getCall(segments[2])
        case (.POST, 3) where segments[0] == "v2" && segments[1] == "data-privacy" && segments[2].hasPrefix("erase-data-for-"),
            (.GET, 3) where segments[0] == "v2" && segments[1] == "data-privacy" && segments[2].hasPrefix("data-for-"):
            try await drain(&parts)
            let query = head.uri.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init)
            return await state.dataPrivacy(method: method, endpoint: segments[2], query: query)
        case (_, 3) where segments[0] == "v2" && segments[1] == "calls":
            try await drain(&parts)
            return await state.other(method: method, path: path, status: 405, message: "Request method '\(method)' is not supported")
        default:
            try await drain(&parts)
            return await state.other(method: method, path: path, status: 404, message: "No endpoint \(method) \(path)")
        }
    }

    private func collect(_ parts: inout NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator) async throws -> Data? {
        var body = Data()
        var tooLarge = false
        while let part = try await parts.next() {
            switch part {
            case .body(let buffer):
                if body.count + buffer.readableBytes > Self.maxJSONBody { tooLarge = true } else { body.append(contentsOf: buffer.readableBytesView) }
            case .end: return tooLarge ? nil : body
            case .head: continue
            }
        }
        return tooLarge ? nil : body
    }

    private func drain(_ parts: inout NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator) async throws {
        while let part = try await parts.next() {
            if case .end = part { return }
        }
    }

    private func receiveMultipart(contentType: String, _ parts: inout NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator) async throws
        -> ReceivedPart?
    {
        guard let boundary = MultipartStreamParser.boundary(from: contentType) else {
            try await drain(&parts)
            return nil
        }
        var parser = MultipartStreamParser(boundary: boundary)
        while let part = try await parts.next() {
            switch part {
            case .body(let buffer):
                buffer.withUnsafeReadableBytes { parser.feed($0) }
            case .end:
                parser.finish()
                return parser.malformed ? nil : parser.parts.first
            case .head:
                continue
            }
        }
        return nil
    }
}
