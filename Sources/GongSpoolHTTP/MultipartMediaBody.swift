import Foundation
import GongSpoolCore
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// The `multipart/form-data` body of a media upload, framed by hand so that the file is
/// streamed from disk: preamble, the file in fixed-size chunks read on demand, epilogue.
/// Memory stays flat whatever the file size; the total length is known up front, so the
/// request carries a `Content-Length` rather than chunked encoding.
public struct MultipartMediaBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    /// Bytes per file read.
    public static let chunkSize = 256 * 1024

    /// The multipart boundary.
    public let boundary: String
    let preamble: ByteBuffer
    let epilogue: ByteBuffer
    let file: SpoolFile
    let fileSize: Int64

    /// Frames `file` as part `mediaFile` named `filename` with `contentType`.
    public init(file: SpoolFile, filename: String, contentType: String, boundary: String) {
        self.boundary = boundary
        self.file = file
        self.fileSize = file.size
        let safeName = filename.replacingOccurrences(of: "\"", with: "_").replacingOccurrences(of: "\r", with: "_").replacingOccurrences(
            of: "\n", with: "_")
        preamble = ByteBuffer(
            string:
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"mediaFile\"; filename=\"\(safeName)\"\r\nContent-Type: \(contentType)\r\n\r\n"
        )
        epilogue = ByteBuffer(string: "\r\n--\(boundary)--\r\n")
    }

    /// The `Content-Type` header value.
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// Total body length in bytes.
    public var length: Int64 { Int64(preamble.readableBytes) + fileSize + Int64(epilogue.readableBytes) }

    public func makeAsyncIterator() -> Iterator {
        Iterator(body: self)
    }

    /// Yields preamble, file chunks, epilogue.
    public struct Iterator: AsyncIteratorProtocol {
        let body: MultipartMediaBody
        var offset: Int64 = -1

        public mutating func next() async throws -> ByteBuffer? {
            if offset < 0 {
                offset = 0
                return body.preamble
            }
            if offset < body.fileSize {
                let file = body.file
                let start = offset
                let count = Int(Swift.min(Int64(MultipartMediaBody.chunkSize), body.fileSize - start))
                let chunk = try await BlockingIO.run { try file.readBuffer(at: start, count: count) }
                offset += Int64(count)
                return chunk
            }
            if offset == body.fileSize {
                offset += 1
                return body.epilogue
            }
            return nil
        }
    }
}

extension SpoolFile {
    /// Reads exactly `count` bytes at `offset` straight into a `ByteBuffer` (one copy, from the kernel).
    func readBuffer(at offset: Int64, count: Int) throws(SpoolFileError) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        var filled = 0
        while filled < count {
            var failure: Int32 = 0
            let n = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count - filled) { raw -> Int in
                let r = pread(descriptor, raw.baseAddress, count - filled, off_t(offset) + off_t(filled))
                if r < 0 {
                    failure = errno
                    return 0
                }
                return r
            }
            if failure == EINTR { continue }
            if failure != 0 { throw .read(errno: failure) }
            if n == 0 { throw .read(errno: EIO) }  // shorter than it was: the file shrank
            filled += n
        }
        return buffer
    }
}
