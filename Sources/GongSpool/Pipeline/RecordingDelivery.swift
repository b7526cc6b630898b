import Foundation
import Logging

/// Delivers one recording through `creating → created → uploading → uploaded → done`,
/// committing each state before the step it announces, so a crash between any two lines
/// resumes safely: a `creating` row re-POSTs the identical body (Gong answers with the
/// existing callId), an `uploading` row re-PUTs (Gong answers "already handled").
public struct RecordingDelivery: Sendable {
    let store: StateStore
    let client: GongClient
    let gate: RequestGate
    let config: Configuration
    let clock: any WallClock
    let random: @Sendable () -> Double
    let logger: Logger

    /// Creates the deliverer.
    public init(store: StateStore, client: GongClient, gate: RequestGate, config: Configuration,
                clock: any WallClock, random: @escaping @Sendable () -> Double, logger: Logger) {
        self.store = store
        self.client = client
        self.gate = gate
        self.config = config
        self.clock = clock
        self.random = random
        self.logger = logger
    }

    /// Moves `row` as far as it can go now. Throws ``RequestGate/Refusal`` while sending is halted
    /// (the row is left as it was).
    public func deliver(_ row: Recording) async throws {
        guard let id = row.id else { return }
        var row = row
        var log = logger
        log[metadataKey: "clientUniqueId"] = "\(row.clientUniqueId ?? "")"
        if row.state == .uploaded {
            try await finish(row, logger: log)
            return
        }
        guard let file = try await openVerified(row, logger: log) else { return }
        if row.callId == nil {
            guard let body = row.requestJSON else {
                try await store.transition(id, to: .held, reason: "no stored request body", errorCode: "internal", now: clock.now())
                return
            }
            try await gate.acquire()
            row = try await store.transition(id, to: .creating, reason: nil, expecting: [.ready, .waiting, .creating], now: clock.now()) {
                $0.attempts += 1
                if $0.firstAttemptAt == nil { $0.firstAttemptAt = self.clock.now() }
                $0.nextAttemptAt = nil
            }
            let outcome = ResponseClassifier.classify(await client.createCall(body: body), kind: .createCall)
            switch outcome {
            case .created(let callId), .alreadyCreated(let callId):
                row = try await store.transition(id, to: .created, reason: nil, now: clock.now()) { $0.callId = callId }
                log[metadataKey: "callId"] = "\(callId)"
                log.info("call created", metadata: ["existing": "\(outcome != .created(callId: callId))"])
            default:
                try await fail(row, outcome: outcome, back: .ready, logger: log)
                return
            }
        }
        guard let callId = row.callId, let kind = row.mediaKind.flatMap(MediaKind.init(rawValue:)) else {
            try await store.transition(id, to: .held, reason: "internal: no callId or media kind recorded", errorCode: "internal", now: clock.now())
            return
        }
        try await gate.acquire()
        row = try await store.transition(id, to: .uploading, reason: nil, expecting: [.created, .waiting, .uploading], now: clock.now()) {
            $0.attempts += 1
            if $0.firstAttemptAt == nil { $0.firstAttemptAt = self.clock.now() }
            $0.nextAttemptAt = nil
        }
        let filename = (row.audioPath ?? "recording").split(separator: "/").last.map(String.init) ?? "recording"
        let outcome = ResponseClassifier.classify(await client.uploadMedia(callId: callId, file: file, filename: filename, kind: kind), kind: .uploadMedia)
        switch outcome {
        case .mediaAccepted, .mediaAlreadyThere:
            if case .mediaAlreadyThere(let other?) = outcome, other != callId {
                log.warning("gong holds the same audio on another call", metadata: ["otherCallId": "\(other)"])
            }
            row = try await store.transition(id, to: .uploaded, reason: nil, now: clock.now()) { $0.nextAttemptAt = nil }
            log.info("media uploaded", metadata: ["bytes": "\(file.size)"])
            try await finish(row, logger: log)
        case .unknownCall(let message):
            // Gong does not know the callId: forget it; the retry resolves it again by re-POSTing.
            try await fail(row, outcome: .retryable(code: "unknown_call", message: "Gong does not know call \(callId): \(message)"),
                           back: .created, forgetCallId: true, logger: log)
        default:
            try await fail(row, outcome: outcome, back: .created, logger: log)
        }
    }

    /// While halted: resumes once no recording is held for rejected credentials any more
    /// (an operator released them after fixing the secret).
    public func resumeIfReleased() async throws {
        guard await gate.halted != nil else { return }
        let stillHeld = try await store.recordings(in: [.held]).contains { $0.lastErrorCode == "credentials_rejected" }
        if !stillHeld {
            await gate.resume()
            logger.info("sending resumed: credential holds were released")
        }
    }

    /// Opens the audio and checks it is the file that was taken; otherwise moves the row.
    private func openVerified(_ row: Recording, logger: Logger) async throws -> SpoolFile? {
        guard let id = row.id else { return nil }
        guard let path = row.audioPath else {
            try await store.transition(id, to: .held, reason: "internal: no audio path recorded", errorCode: "internal", now: clock.now())
            return nil
        }
        let root = config.spool.directory
        let opened: Result<SpoolFile, SpoolFileError> = await {
            do { return .success(try await BlockingIO.run { try SpoolFile(root: root, relativePath: path) }) } catch let error as SpoolFileError { return .failure(error) } catch { return .failure(.read(errno: 0)) }
        }()
        switch opened {
        case .failure(let error):
            try await store.transition(id, to: .held, reason: "audio file can no longer be read: \(error.description)", errorCode: error.code, now: clock.now())
            logger.error("audio file unreadable", metadata: ["reason": "\(error.description)"])
            return nil
        case .success(let file):
            guard file.size == row.size, file.mtimeNs == row.mtimeNs, file.inode == row.inode else {
                try await store.transition(id, to: .pending, reason: "audio changed after it was taken; examining it again", errorCode: "file_changed", now: clock.now()) {
                    $0.stableSince = self.clock.now()
                    $0.nextAttemptAt = nil
                }
                logger.warning("audio changed after it was taken; not uploaded")
                return nil
            }
            return file
        }
    }

    private func finish(_ row: Recording, logger: Logger) async throws {
        guard let id = row.id else { return }
        let action = AfterUploadAction(settings: config.spool)
        let paths = [row.audioPath, row.sidecarPath].compactMap { $0 }
        do {
            try await BlockingIO.run { try action.apply(to: paths) }
        } catch {
            let message = (error as? AfterUploadError)?.description ?? String(describing: error)
            try await store.transition(id, to: .uploaded, reason: "after-upload action failed: \(message)", errorCode: "after_upload_failed", now: clock.now()) {
                $0.nextAttemptAt = self.retryTime(attempt: 3)
            }
            logger.error("after-upload action failed", metadata: ["reason": "\(message)"])
            return
        }
        try await store.transition(id, to: .done, reason: config.spool.afterUpload == .keep ? nil : "files: \(config.spool.afterUpload.rawValue)", now: clock.now()) {
            $0.nextAttemptAt = nil
        }
        DaemonMetrics.delivered(bytes: row.size ?? 0, at: clock.now())
        logger.info("recording delivered", metadata: ["state": "done"])
    }

    private func fail(_ row: Recording, outcome: GongOutcome, back: RecordingState, forgetCallId: Bool = false, logger: Logger) async throws {
        guard let id = row.id else { return }
        let now = clock.now()
        DaemonMetrics.failure(code: Self.failureCode(outcome))
        switch outcome {
        case .rateLimited(let seconds):
            await gate.pause(seconds: seconds)
            try await store.transition(id, to: back, reason: "rate limited by Gong; retrying after \(Int(seconds.rounded(.up))) s", errorCode: "rate_limited", now: now) {
                $0.attempts = max(0, $0.attempts - 1)
            }
        case .credentialsRejected(let status, let message):
            let reason = "credentials rejected (HTTP \(status)): \(message)"
            await gate.halt(reason)
            try await store.transition(id, to: .held, reason: reason, errorCode: "credentials_rejected", now: now) {
                $0.attempts = max(0, $0.attempts - 1)
            }
        case .userNotEnabled(let message):
            let user = row.requestJSON.flatMap { try? JSONValue.parse(Data($0.utf8)) }?["primaryUser"]?.stringValue ?? "?"
            try await store.transition(id, to: .held, reason: "Gong user \(user) cannot import telephony calls (HTTP 409): \(message)", errorCode: "user_not_enabled", now: now)
            logger.warning("recording held: user not enabled", metadata: ["primaryUser": "\(user)"])
        case .permanent(let code, let message):
            try await store.transition(id, to: .rejected, reason: "Gong refused the request (\(code)): \(message)", errorCode: code, now: now)
            logger.error("recording rejected by Gong", metadata: ["code": "\(code)", "reason": "\(message)"])
        case .retryable(let code, let message):
            let started = row.firstAttemptAt ?? now
            if now.timeIntervalSince(started) >= config.retry.giveUpAfterHours * 3600 {
                try await store.transition(id, to: .held, reason: "gave up after \(config.retry.giveUpAfterHours) h of failures; last: \(message)", errorCode: code, now: now) {
                    if forgetCallId { $0.callId = nil }
                }
                logger.error("recording held after retries", metadata: ["code": "\(code)"])
            } else {
                let next = retryTime(attempt: row.attempts)
                try await store.transition(id, to: .waiting, reason: message, errorCode: code, now: now) {
                    $0.nextAttemptAt = next
                    $0.lastErrorMessage = message
                    if forgetCallId { $0.callId = nil }
                }
                logger.warning("request failed; will retry", metadata: ["code": "\(code)", "attempt": "\(row.attempts)", "retryAt": "\(ISOTimestamp.format(next))"])
            }
        default:
            try await store.transition(id, to: .held, reason: "unexpected answer from Gong: \(outcome)", errorCode: "unexpected", now: now)
        }
    }

    static func failureCode(_ outcome: GongOutcome) -> String {
        switch outcome {
        case .rateLimited: "rate_limited"
        case .credentialsRejected: "credentials_rejected"
        case .userNotEnabled: "user_not_enabled"
        case .permanent(let code, _), .retryable(let code, _): code
        case .unknownCall: "unknown_call"
        default: "unexpected"
        }
    }

    private func retryTime(attempt: Int) -> Date {
        let delay = Backoff.delay(attempt: attempt, initial: config.retry.initialBackoffSeconds, maximum: config.retry.maxBackoffSeconds, unit: random())
        return clock.now().addingTimeInterval(delay)
    }
}
