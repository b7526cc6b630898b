import Foundation
import Logging

/// Drives one recording through `creating → created → uploading → uploaded → done` by reporting
/// events to its ``RecordingLifecycle`` through the store, and doing what the lifecycle answers.
/// Each step is committed before the request it announces, so a crash between any two lines
/// resumes safely: a `creating` row re-POSTs the identical body, an `uploading` row re-PUTs, and
/// the lifecycle decides which of Gong's duplicate answers prove delivery.
public struct RecordingDelivery: Sendable {
    let store: any LifecycleStore & GateStore
    let client: any GongAPI
    let gate: RequestGate
    let config: Configuration
    let clock: any WallClock
    let random: @Sendable () -> Double
    let logger: Logger
    let health: DaemonHealth?

    /// Creates the deliverer; waits and requests are reported to `health` (the watchdog).
    public init(
        store: any LifecycleStore & GateStore, client: any GongAPI, gate: RequestGate, config: Configuration,
        clock: any WallClock, random: @escaping @Sendable () -> Double, logger: Logger, health: DaemonHealth? = nil
    ) {
        self.store = store
        self.client = client
        self.gate = gate
        self.config = config
        self.clock = clock
        self.random = random
        self.logger = logger
        self.health = health
    }

    /// The context of an event happening now.
    func context() -> EventContext {
        EventContext(now: clock.now(), jitter: random(), policy: config.retry.policy)
    }

    /// Moves `row` as far as it can go now, as worker `loop`. Throws ``RequestGate/Refusal``
    /// while sending is halted (the row is left as it was).
    public func deliver(_ row: Recording, as loop: String = "delivery") async throws {
        guard row.id != nil else { return }
        var log = logger
        log[metadataKey: "clientUniqueId"] = "\(row.clientUniqueId ?? "")"
        var row = row
        var first = true
        // One step after another while the lifecycle says the next one is due now.
        while let step = row.lifecycle.deliveryStep {
            if !first, case .waiting = row.lifecycle.state { return }
            first = false
            switch step {
            case .finish:
                row = try await finish(row, logger: log)
            case .create, .upload:
                guard let file = try await openVerified(row, logger: log) else { return }
                guard let next = try await send(step, row: row, file: file, loop: loop, logger: &log) else { return }
                row = next
            case .intake:
                return
            }
        }
    }

    /// One request: gate, commit "sending", send, report Gong's answer. `nil` when the row
    /// left delivery (held, rejected, waiting) or is inconsistent.
    private func send(_ step: Phase, row: Recording, file: SpoolFile, loop: String, logger log: inout Logger) async throws -> Recording? {
        guard let id = row.id else { return nil }
        if step == .create, row.requestJSON == nil {
            try await store.apply(id, .rowInconsistent(reason: "no stored request body"), context: context())
            return nil
        }
        if step == .upload, row.mediaKind.flatMap(MediaKind.init(rawValue:)) == nil {
            try await store.apply(id, .rowInconsistent(reason: "no media kind recorded"), context: context())
            return nil
        }
        let day = try await gate.acquire(as: loop)
        let sending = try await store.apply(id, step == .create ? .createSending : .uploadSending, context: context())
        // The request may take until its deadline: that is waiting, not stalling.
        await health?.rest(loop, seconds: step == .create ? client.createDeadlineSeconds : client.uploadDeadlineSeconds(bytes: file.size))
        // The lifecycle committed "sending" and says which request goes out.
        let answered: LifecycleEvent
        let evidence: Evidence
        switch sending.actions.first {
        case .post?:
            let reply = await client.createCall(body: sending.row.requestJSON ?? "")
            await gate.settle(reply, countedOn: day)
            answered = .createAnswered(enriched(ResponseClassifier.classify(reply, kind: .createCall, now: clock.now()), row: sending.row))
            evidence = Evidence(createRequestId: ResponseClassifier.references(reply).requestId)
        case .put(let callId)?:
            guard let kind = sending.row.mediaKind.flatMap(MediaKind.init(rawValue:)) else { return nil }
            let filename = (row.audioPath ?? "recording").split(separator: "/").last.map(String.init) ?? "recording"
            let reply = await client.uploadMedia(callId: callId, file: file, filename: filename, kind: kind)
            await gate.settle(reply, countedOn: day)
            let outcome = ResponseClassifier.classify(reply, kind: .uploadMedia, now: clock.now())
            answered = .uploadAnswered(await gate.noteMediaAnswer(outcome, of: id))
            let references = ResponseClassifier.references(reply)
            evidence = Evidence(mediaRequestId: references.requestId, mediaURL: references.url)
        default:
            return nil
        }
        await health?.beat(loop)
        let applied = try await store.apply(id, answered, context: context(), evidence: evidence)
        await perform(applied, logger: log)
        let next = applied.row
        if let callId = next.callId { log[metadataKey: "callId"] = "\(callId)" }
        report(next, bytes: file.size, logger: log)
        return next
    }

    /// Adds the request's primary user to a 409 (Gong's message may not name it).
    private func enriched(_ outcome: GongOutcome, row: Recording) -> GongOutcome {
        guard case .userNotEnabled(let message) = outcome else { return outcome }
        let user = row.requestJSON.flatMap { try? JSONValue.parse(Data($0.utf8)) }?["primaryUser"]?.stringValue ?? "?"
        return .userNotEnabled(message: "primaryUser \(user): \(message)")
    }

    /// The gate actions the lifecycle asked for (an answer asks for no request).
    private func perform(_ applied: Applied, logger: Logger) async {
        for action in applied.actions {
            switch action {
            case .pauseSending(let seconds, let note): await gate.pause(seconds: seconds, note: note)
            case .haltSending(let reason): await gate.halt(reason)
            case .post, .put: break
            }
        }
        if let code = applied.row.lastErrorCode {
            DaemonMetrics.failure(code: code.rawValue)
        }
    }

    private func report(_ row: Recording, bytes: Int64, logger: Logger) {
        let reason = row.reason ?? ""
        switch row.state {
        case .created: logger.info("call created", metadata: ["note": "\(reason)"])
        case .uploaded: logger.info("media uploaded", metadata: ["bytes": "\(bytes)", "note": "\(reason)"])
        case .waiting:
            // Gong unreachable is one line from the gate, not one per recording every few seconds.
            let level: Logger.Level = row.lastErrorCode?.neverReachedGong == true ? .debug : .warning
            logger.log(
                level: level, "request failed; will retry",
                metadata: [
                    "code": "\(row.lastErrorCode?.rawValue ?? "")", "attempt": "\(row.attempts)",
                    "retryAt": "\(row.nextAttemptAt.map(ISOTimestamp.format) ?? "")",
                ])
        case .held: logger.error("recording held", metadata: ["code": "\(row.lastErrorCode?.rawValue ?? "")", "reason": "\(reason)"])
        case .rejected: logger.error("recording rejected by Gong", metadata: ["code": "\(row.lastErrorCode?.rawValue ?? "")", "reason": "\(reason)"])
        default: break
        }
    }

    /// While halted: resumes once no recording is held for a halting cause any more (an
    /// operator released them after fixing the secret or `gong.baseURL`).
    public func resumeIfReleased() async throws {
        guard await gate.halted != nil else { return }
        if try await !store.hasHaltingHolds() {
            await gate.resume()
            logger.info("sending resumed: the holds that halted it were released")
        }
    }

    /// Opens the audio and checks it is the file that was taken; otherwise reports why.
    private func openVerified(_ row: Recording, logger: Logger) async throws -> SpoolFile? {
        guard let id = row.id else { return nil }
        guard let path = row.audioPath else {
            try await store.apply(id, .rowInconsistent(reason: "no audio path recorded"), context: context())
            return nil
        }
        let root = config.spool.directory
        let opened: Result<SpoolFile, SpoolFileError> = await {
            do { return .success(try await BlockingIO.run { try SpoolFile(root: root, relativePath: path) }) } catch let error as SpoolFileError {
                return .failure(error)
            } catch { return .failure(.read(errno: 0)) }
        }()
        switch opened {
        case .failure(let error):
            let applied = try await store.apply(id, .fileUnreadable(error.code, reason: error.description), context: context())
            logger.error("audio file unreadable", metadata: ["reason": "\(error.description)", "state": "\(applied.row.state.rawValue)"])
            return nil
        case .success(let file):
            guard file.size == row.size, file.mtimeNs == row.mtimeNs, file.inode == row.inode else {
                let why = "size \(row.size ?? -1) → \(file.size), inode \(row.inode ?? -1) → \(file.inode)"
                let applied = try await store.apply(
                    id, .fileNotAsTaken(reason: why), context: context(), evidence: Evidence(stableSince: clock.now()))
                logger.warning("audio changed after it was taken; not uploaded", metadata: ["state": "\(applied.row.state.rawValue)"])
                return nil
            }
            return file
        }
    }

    /// The after-upload step on the files uploaded, and only while they are still those files.
    private func finish(_ row: Recording, logger: Logger) async throws -> Recording {
        guard let id = row.id else { return row }
        let action = AfterUploadAction(settings: config.spool)
        let files = [
            row.audioPath.map { TakenFile(relativePath: $0, size: row.size, mtimeNs: row.mtimeNs, inode: row.inode) },
            row.sidecarPath.map { TakenFile(relativePath: $0, size: row.sidecarSize, mtimeNs: row.sidecarMtimeNs, inode: nil) },
        ].compactMap { $0 }
        let event: LifecycleEvent
        do {
            let done = try await BlockingIO.run { try action.apply(to: files) }
            event = .afterUploadDone(note: done.note(config.spool.afterUpload))
            if !done.leftInPlace.isEmpty {
                logger.warning("files left in place after upload", metadata: ["files": "\(done.leftInPlace.joined(separator: "; "))"])
            }
        } catch {
            let message = (error as? AfterUploadError)?.description ?? String(describing: error)
            event = .afterUploadFailed(reason: message)
            logger.error("after-upload action failed", metadata: ["reason": "\(message)"])
        }
        let applied = try await store.apply(id, event, context: context())
        if applied.row.state == .done {
            DaemonMetrics.delivered(bytes: row.size ?? 0, at: clock.now())
            logger.info("recording delivered", metadata: ["state": "done"])
        } else {
            DaemonMetrics.failure(code: ErrorCode.afterUploadFailed.rawValue)
        }
        return applied.row
    }
}

extension RetrySettings {
    /// The lifecycle's retry timing.
    public var policy: RetryPolicy {
        RetryPolicy(initialBackoffSeconds: initialBackoffSeconds, maxBackoffSeconds: maxBackoffSeconds, giveUpAfterSeconds: giveUpAfterHours * 3600)
    }
}
