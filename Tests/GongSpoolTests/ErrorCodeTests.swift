import Foundation
import GongSpoolCore
import Testing

/// The error codes: stable text, and the table in `docs/operations.md` says what each means.
@Suite struct ErrorCodeTests {
    @Test func everyCodeReadsBackFromItsText() {
        for code in ErrorCode.catalogue {
            #expect(ErrorCode(rawValue: code.rawValue) == code)
        }
        #expect(ErrorCode(rawValue: "http_503") == .http(503))
        #expect(ErrorCode(rawValue: "http_9999") == nil)
        #expect(ErrorCode(rawValue: "no_such_code") == nil)
        #expect(Set(ErrorCode.catalogue.map(\.rawValue)).count == ErrorCode.catalogue.count)
    }

    @Test func retryableCodesAreTheTransientOnes() {
        #expect(ErrorCode.http(503).isRetryable && ErrorCode.http(408).isRetryable && ErrorCode.timeout.isRetryable)
        #expect(!ErrorCode.http(400).isRetryable && !ErrorCode.credentialsRejected.isRetryable && !ErrorCode.foreignMedia.isRetryable)
    }

    /// The table operators read, one row per code.
    static var table: [String] {
        ErrorCode.catalogue.map { code in
            let name = code == .http(400) ? "http_NNN" : code.rawValue
            let remedy =
                code == .http(400)
                ? "Gong refused the request (4xx other than the answers above): read the reason, fix it, `retry`; 408 and 5xx are retried by themselves."
                : code.remedy
            return "| `\(name)` | \(code.isRetryable ? "yes" : "no") | \(remedy) |"
        }
    }

    @Test func theOperationsRunbookListsEveryCode() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        let start = try #require(text.range(of: "<!-- error-codes:begin -->"))
        let end = try #require(text.range(of: "<!-- error-codes:end -->"))
        let rows = text[start.upperBound..<end.lowerBound].split(separator: "\n").map(String.init).filter { $0.hasPrefix("| `") }
        #expect(rows == Self.table, "docs/operations.md's code table differs; it should read:\n\(Self.table.joined(separator: "\n"))")
    }
}
