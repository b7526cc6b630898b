import Foundation

@testable import GongSpoolCore

/// Gong's answers, or a proxy's in front of it.
enum GongTargets {
    /// Bytes 0–1: the status (100–599); byte 2: the endpoint; then a Retry-After line; the rest the body.
    static func answer(_ bytes: [UInt8]) {
        guard bytes.count >= 3 else { return }
        let status = 100 + (Int(bytes[0]) << 8 | Int(bytes[1])) % 500
        let kinds: [GongEndpointKind] = [.createCall, .uploadMedia, .listUsers, .listCalls]
        let kind = kinds[Int(bytes[2]) % kinds.count]
        let (header, body) = Array(bytes.dropFirst(3)).firstLineAndRest
        let reply = GongReply.http(status: status, body: String(decoding: body, as: UTF8.self), retryAfter: header.isEmpty ? nil : header)
        let outcome = ResponseClassifier.classify(reply, kind: kind, now: FuzzTargets.now)
        _ = ResponseClassifier.references(reply)
        if case .rateLimited(let seconds, _) = outcome, !(seconds >= 0 && seconds <= 86_400 + RetryAfter.midnightSlackSeconds) {
            preconditionFailure("a 429 asked for an unbounded pause: \(seconds)")
        }
    }

    static func listPages(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = UserListPage(json: text)
        _ = CallListPage(json: text)
        let privacy = GongPrivacyData(body: text)
        _ = privacy.description
        if case .listed(let calls, let purging, let others, _) = privacy, !(calls >= 0 && purging <= calls && others >= 0) {
            preconditionFailure("Gong's list of references read as \(privacy)")
        }
    }

    static func retryAfter(_ bytes: [UInt8]) {
        let wait = RetryAfter.read(String(decoding: bytes, as: UTF8.self), now: FuzzTargets.now, fallback: 10)
        guard wait.seconds >= 0, wait.seconds <= 86_400 + RetryAfter.midnightSlackSeconds else {
            preconditionFailure("Retry-After gave an unbounded wait: \(wait)")
        }
        _ = Bounded.duration(seconds: wait.seconds)
    }
}
