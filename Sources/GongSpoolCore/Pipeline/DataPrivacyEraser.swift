import Foundation

/// What came of asking Gong to erase a number or an address.
public enum GongErasure: Sendable, Equatable, CustomStringConvertible {
    /// Gong took the request (it deletes within hours); its `requestId`.
    case accepted(requestId: String?)
    /// Gong refused it: a 403 (the key lacks `api:data-privacy:delete`), a 400, a 401…
    case refused(status: Int, message: String)
    /// No answer that settles it after the retries, or no budget left today.
    case failed(String)

    /// Gong's `requestId`, when it took the request.
    public var requestId: String? {
        if case .accepted(let id) = self { return id }
        return nil
    }

    public var description: String {
        switch self {
        case .accepted: "accepted (Gong deletes the data within hours)"
        case .refused(let status, let message): "refused (\(status)): \(message)"
        case .failed(let message): "failed: \(message)"
        }
    }
}

/// Sends one erase request to Gong's data-privacy API through the shared ``RequestGate`` (the
/// rate, a 429's pause and the daily budget count it like any request): a 429 waits for Gong's
/// `Retry-After` and asks again, a 5xx or no answer is retried with backoff a few times, any
/// other answer settles it.
public struct DataPrivacyEraser: Sendable {
    let client: any GongAPI
    let gate: RequestGate
    let clock: any WallClock
    /// Requests that fail (5xx, no answer) before giving up.
    let attempts: Int
    /// The backoff between them: `retry.*`, at most 5 s at first and a minute at most (an
    /// operator waits for the answer).
    let backoff: RetryPolicy
    /// Uniform in `0..<1`: the backoff's jitter.
    let random: @Sendable () -> Double

    /// An eraser sending through `gate`, retrying after `retry`'s backoff.
    public init(
        client: any GongAPI, gate: RequestGate, clock: any WallClock, retry: RetryPolicy, attempts: Int = 5,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.random = random
        self.client = client
        self.gate = gate
        self.clock = clock
        self.attempts = max(1, attempts)
        backoff = RetryPolicy(initialBackoffSeconds: min(retry.initialBackoffSeconds, 5), maxBackoffSeconds: min(retry.maxBackoffSeconds, 60))
    }

    /// The scope Gong's erase endpoints need.
    public static let scope = "api:data-privacy:delete"
    /// The scope Gong's listing of a person's data needs.
    public static let readScope = "api:data-privacy:read"

    /// Asks Gong to erase `subject` (a number in its international form).
    public func erase(_ subject: ErasureSubject) async throws -> GongErasure {
        switch try await ask(scope: Self.scope, { await client.erase(subject) }) {
        case .answered(let body): .accepted(requestId: (try? JSONValue.parse(Data(body.utf8)))?["requestId"]?.stringValue)
        case .refused(let status, let message): .refused(status: status, message: message)
        case .failed(let message): .failed(message)
        }
    }

    /// Asks Gong what it still holds of `subject`: the calls it lists, and of those the ones it
    /// is deleting (status `PURGE_REQUESTED`).
    public func verify(_ subject: ErasureSubject) async throws -> GongPrivacyData {
        switch try await ask(scope: Self.readScope, { await client.privacyData(subject) }) {
        case .answered(let body): GongPrivacyData(body: body)
        case .refused(let status, let message): .refused(status: status, message: message)
        case .failed(let message): .failed(message)
        }
    }

    /// How one data-privacy request ended.
    private enum Answer {
        case answered(body: String)
        case refused(status: Int, message: String)
        case failed(String)
    }

    /// Sends `request` through the gate until an answer settles it: a 2xx, or a refusal.
    private func ask(scope: String, _ request: () async -> GongReply) async throws -> Answer {
        var failures = 0
        var limited = 0
        while true {
            if await gate.budgetExhausted {
                return .failed("today's request budget (gong.dailyRequestLimit) is spent: ask again after midnight UTC")
            }
            let day = try await gate.acquire()
            let reply = await request()
            await gate.settle(reply, countedOn: day)
            let failure: String
            switch reply {
            case .http(let status, let body, _) where (200..<300).contains(status):
                return .answered(body: body)
            case .http(429, _, let retryAfter):
                limited += 1
                guard limited < 10 else { return .failed("Gong answered 429 (too many requests) ten times") }
                let wait = RetryAfter.read(retryAfter, now: clock.now(), fallback: 60)
                await gate.pause(seconds: wait.seconds, note: wait.note)
                continue
            case .http(403, let body, _):
                return .refused(
                    status: 403,
                    message: "the access key lacks the \(scope) scope (Gong's API settings), or "
                        + GongList.forbiddenCauses(scope) + " (" + ResponseClassifier.summary(body) + ")")
            case .http(let status, let body, _) where status >= 500:
                failure = "Gong answered \(status): \(ResponseClassifier.summary(body))"
            case .http(let status, let body, _):
                return .refused(status: status, message: ResponseClassifier.summary(body))
            case .transport(_, let message):
                failure = "no answer: \(message.prefix(200))"
            }
            failures += 1
            guard failures < attempts else { return .failed("\(failure) (\(attempts) attempts)") }
            let delay = Backoff.delay(
                attempt: failures, initial: backoff.initialBackoffSeconds, maximum: backoff.maxBackoffSeconds, unit: random())
            try await clock.sleep(until: clock.now().addingTimeInterval(delay))
        }
    }
}
