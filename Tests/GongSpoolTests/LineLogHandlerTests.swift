import Foundation
import Logging
import Synchronization
import Testing

@testable import GongSpoolCore

/// The journal's lines: secrets never written at any depth, no forged lines, no empty fields.
@Suite struct LineLogHandlerTests {
    /// A logger whose lines are kept.
    final class Lines: Sendable {
        private let kept = Mutex<[String]>([])
        var all: [String] { kept.withLock { $0 } }

        func logger(_ format: LineLogHandler.Format) -> Logger {
            Logger(label: "gongspool") { label in LineLogHandler(label: label, format: format) { line in self.kept.withLock { $0.append(line) } } }
        }
    }

    static let secretMetadata: Logger.Metadata = [
        "Authorization": "Basic c2VjcmV0LWtleTpzZWNyZXQtc2VjcmV0",
        "accessKeySecret": "secret-secret",
        "request": .dictionary(["headers": .dictionary(["authorization": "Basic c2VjcmV0"]), "path": "/v2/calls"]),
        "attempts": .array([.dictionary(["dbPassword": "hunter2"])]),
        "note": "",
        "recording": "7",
    ]

    @Test(arguments: [LineLogHandler.Format.text, .json])
    func secretsAreRedactedAtAnyDepthAndEmptyFieldsLeftOut(_ format: LineLogHandler.Format) throws {
        let lines = Lines()
        lines.logger(format).warning("delivery retried", metadata: Self.secretMetadata)
        let line = try #require(lines.all.first)
        for secret in ["c2VjcmV0", "secret-secret", "hunter2"] { #expect(!line.contains(secret), "\(line)") }
        #expect(line.components(separatedBy: "<redacted>").count == 5, "four secrets, each redacted: \(line)")
        #expect(!line.contains("note"), "an empty field is left out: \(line)")
        #expect(line.contains("/v2/calls") && line.contains("7"))
        if format == .json {
            guard case .object(let fields) = try JSONValue.parse(Data(line.utf8)) else { throw JSONParseError.syntax(line) }
            #expect(fields["msg"] == .string("delivery retried") && fields["level"] == .string("warning"))
            #expect(fields["recording"] == .string("7"))
            #expect(fields["Authorization"] == .string("<redacted>"))
        }
    }

    /// A file name carrying a newline and an escape sequence cannot start a line of its own.
    @Test func controlCharactersAreEscapedInTheText() throws {
        let lines = Lines()
        lines.logger(.text).info("taken\n2026-12-07T00:00:00Z error gongspool: forged", metadata: ["stem": "a\u{1B}[2Jb\nc"])
        let line = try #require(lines.all.first)
        #expect(!line.contains("\n") && !line.contains("\u{1B}"), "\(line)")
        #expect(lines.all.count == 1)
    }
}
