import Foundation
import GongSpoolCore
import GongSpoolHTTP
import NIOCore
import TestSupport
import Testing

/// ``MultipartMediaBody``: the exact bytes, the known length, the file streamed in chunks.
@Suite struct MultipartMediaBodyTests {
    @Test func framesTheFileExactlyWithItsLength() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let content = Data((0..<(MultipartMediaBody.chunkSize * 2 + 1234)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        _ = try dir.write("a.wav", content)
        let file = try SpoolFile(root: dir.path, relativePath: "a.wav")
        let body = MultipartMediaBody(file: file, filename: "we\"ird\r\nname.wav", contentType: "audio/wav", boundary: "b0undary")
        var chunks: [ByteBuffer] = []
        for try await chunk in body { chunks.append(chunk) }
        #expect(chunks.count == 5, "preamble, three file chunks, epilogue")
        #expect(chunks.dropFirst().dropLast().allSatisfy { $0.readableBytes <= MultipartMediaBody.chunkSize })
        var all = Data()
        for chunk in chunks { all.append(contentsOf: chunk.readableBytesView) }
        #expect(Int64(all.count) == body.length)
        let preamble =
            "--b0undary\r\nContent-Disposition: form-data; name=\"mediaFile\"; filename=\"we_ird__name.wav\"\r\nContent-Type: audio/wav\r\n\r\n"
        #expect(all.prefix(preamble.utf8.count) == Data(preamble.utf8))
        #expect(all.suffix(16) == Data("\r\n--b0undary--\r\n".utf8))
        #expect(all.dropFirst(preamble.utf8.count).prefix(content.count) == content)
        #expect(body.contentType == "multipart/form-data; boundary=b0undary")
    }

    @Test func aFileThatShrinksWhileStreamingFailsTheUpload() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try dir.write("b.wav", Data(repeating: 7, count: MultipartMediaBody.chunkSize * 2))
        let file = try SpoolFile(root: dir.path, relativePath: "b.wav")
        let body = MultipartMediaBody(file: file, filename: "b.wav", contentType: "audio/wav", boundary: "x")
        var iterator = body.makeAsyncIterator()
        _ = try await iterator.next()  // preamble
        #expect(truncate(path, 100) == 0)
        await #expect(throws: SpoolFileError.self) { _ = try await iterator.next() }
    }
}
