import Foundation
import GongSpoolCore
import Testing

/// The exactly-once rules of ``RecordingLifecycle``, event by event, without I/O or a clock.
@Suite struct RecordingLifecycleTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    var context: EventContext {
        EventContext(now: t0, jitter: 0.5, policy: RetryPolicy(initialBackoffSeconds: 30, maxBackoffSeconds: 3600, giveUpAfterSeconds: 3600))
    }

    func ready(_ id: String = "pbx:1") -> RecordingLifecycle {
        RecordingLifecycle(state: .ready, identity: Identity(clientUniqueId: id), audioSHA256: "a1")
    }

    /// Applies `events` in order at `context`; fails the test on a refusal.
    func run(_ lifecycle: inout RecordingLifecycle, _ events: LifecycleEvent..., at context: EventContext? = nil) throws -> LifecycleDecision {
        var last = LifecycleDecision.quiet
        for event in events { last = try lifecycle.handle(event, context ?? self.context) }
        return last
    }

    @Test func aDuplicateCreateAnswerProvesOurCallOnlyAfterAnEarlierCreateOfOurs() throws {
        var first = ready()
        _ = try run(&first, .createSending, .createAnswered(.alreadyCreated(callId: "77")))
        #expect(first.state == .created && first.identity?.callId == "77")
        #expect(first.reason?.hasPrefix("adopted call 77") == true, "a foreign call is only adopted; the upload decides")
        var resumed = ready()
        _ = try run(
            &resumed, .createSending, .createAnswered(.retryable(code: .timeout, message: "lost")),
            .createSending, .createAnswered(.alreadyCreated(callId: "77")))
        #expect(resumed.state == .created && resumed.reason?.contains("earlier create of this recording") == true)
        #expect(resumed.identity?.createsInDoubt == 0)
    }

    @Test func alreadyHandledIsDeliveryOnlyAfterAnEarlierUploadOfOurs() throws {
        var foreign = ready()
        _ = try run(&foreign, .createSending, .createAnswered(.alreadyCreated(callId: "77")), .uploadSending)
        let decision = try foreign.handle(.uploadAnswered(.mediaAlreadyThere(otherCallId: nil)), context)
        #expect(foreign.state == .held(.upload) && foreign.code == .foreignMedia)
        #expect(decision.actions.isEmpty && foreign.deliveryStep != .finish, "files are not touched")
        #expect(foreign.reason?.contains("77") == true)
        // Released and sent again, the same answer is still not proof (the first PUT stored nothing).
        _ = try run(&foreign, .release, .uploadSending, .uploadAnswered(.mediaAlreadyThere(otherCallId: nil)))
        #expect(foreign.state == .held(.upload) && foreign.code == .foreignMedia)
        // An operator who checked accepts it; nothing touches the files.
        let accepted = try foreign.handle(.accept, context)
        #expect(foreign.state == .done && accepted.actions.isEmpty && foreign.deliveryStep == nil)

        var ours = ready()
        _ = try run(
            &ours, .createSending, .createAnswered(.created(callId: "5")), .uploadSending,
            .uploadAnswered(.retryable(code: .connectionClosed, message: "reset")), .uploadSending)
        _ = try ours.handle(.uploadAnswered(.mediaAlreadyThere(otherCallId: nil)), context)
        #expect(ours.state == .uploaded && ours.deliveryStep == .finish, "delivered: the after-upload step is due")
    }

    @Test func theSameContentProvesDeliveryOnlyOnOurCall() throws {
        var mine = ready()
        _ = try run(&mine, .createSending, .createAnswered(.created(callId: "5")), .uploadSending)
        _ = try mine.handle(.uploadAnswered(.mediaAlreadyThere(otherCallId: "5")), context)
        #expect(mine.deliveryStep == .finish)
        var other = ready()
        _ = try run(
            &other, .createSending, .createAnswered(.created(callId: "5")), .uploadSending,
            .uploadAnswered(.mediaAlreadyThere(otherCallId: "9")))
        #expect(other.state == .held(.upload) && other.code == .mediaOnOtherCall)
        #expect(other.reason?.contains("call 9") == true && other.reason?.contains("5") == true)
    }

    @Test func aLockedIdentityNeverChangesAndIsNeverDropped() throws {
        var owner = ready()
        _ = try run(&owner, .createSending, .createAnswered(.created(callId: "5")))
        // The audio changes before the upload: held, the call kept.
        _ = try run(&owner, .fileNotAsTaken(reason: "size"))
        #expect(owner.state == .held(.intake) && owner.code == .fileChanged && owner.identity?.callId == "5")
        // Intake only records further changes; a person retries, intake takes the files again for the same call.
        #expect(try owner.handle(.filesChanged, context) == .quiet)
        #expect(owner.state == .held(.intake))
        _ = try run(&owner, .retry)
        #expect(owner.state == .pending && owner.identity?.clientUniqueId == "pbx:1")
        var renamed = owner
        _ = try run(&renamed, .claimed(.owner(clientUniqueId: "pbx:other")))
        #expect(renamed.state == .held(.intake) && renamed.code == .identityChanged && renamed.identity?.clientUniqueId == "pbx:1")
        _ = try run(&owner, .claimed(.owner(clientUniqueId: "pbx:1")))
        #expect(owner.state == .created && owner.identity?.callId == "5")
        // Vanished files of a locked row hold it; an unlocked pending row is simply dropped.
        var gone = RecordingLifecycle(state: .pending, identity: Identity(clientUniqueId: "a", createsInDoubt: 1))
        _ = try run(&gone, .filesVanished)
        #expect(gone.state == .held(.intake) && gone.code == .filesMissing)
        var fresh = RecordingLifecycle.seen(reason: "new")
        #expect(try fresh.handle(.filesVanished, context) == LifecycleDecision(effects: .deleteRow))
        // An unlocked identity goes back to intake and is given up (its duplicates may carry it).
        var free = ready()
        #expect(try free.handle(.fileNotAsTaken(reason: "size"), context).effects.contains(.reexamineDuplicates))
        #expect(free.state == .pending && free.identity == nil)
    }

    @Test func failuresBackOffThenHoldAndAnswersThatProveNothingWasDoneSettleTheDoubt() throws {
        var row = ready()
        let decision = try run(&row, .createSending, .createAnswered(.retryable(code: .http(503), message: "busy")))
        guard case .waiting(.create, let until) = row.state else {
            Issue.record("\(row.state)")
            return
        }
        #expect(until == t0.addingTimeInterval(30), "attempt 1: the floor")
        #expect(decision.actions.isEmpty, "the queue finds a waiting row by its time")
        #expect(row.identity?.createsInDoubt == 1, "a 503 does not prove nothing was created")
        let later = EventContext(now: t0.addingTimeInterval(3600), jitter: 0.5, policy: context.policy)
        _ = try run(&row, .createSending, .createAnswered(.retryable(code: .http(503), message: "busy")), at: later)
        #expect(row.state == .held(.create) && row.reason?.hasPrefix("gave up after 1.0 h") == true)

        var limited = ready()
        let paused = try run(&limited, .createSending, .createAnswered(.rateLimited(retryAfterSeconds: 7)))
        #expect(limited.state == .ready && limited.attempts == 0 && limited.identity?.createsInDoubt == 0)
        #expect(paused.actions == [.pauseSending(seconds: 7, note: nil)])

        var refused = ready()
        let halted = try run(&refused, .createSending, .createAnswered(.credentialsRejected(status: 401, message: "no")))
        #expect(refused.state == .held(.create) && halted.actions == [.haltSending(reason: "credentials rejected (HTTP 401): no")])
        _ = try run(&refused, .sendingReleased)
        #expect(refused.state == .ready)

        var invalid = ready()
        _ = try run(&invalid, .createSending, .createAnswered(.permanent(code: .http(400), message: "bad")))
        #expect(invalid.state == .rejected && invalid.identity?.isLocked == false, "a 400 created nothing")
    }

    @Test func aFailingAfterUploadStepWaitsThenIsHeld() throws {
        var row = ready()
        _ = try run(&row, .createSending, .createAnswered(.created(callId: "5")), .uploadSending, .uploadAnswered(.mediaAccepted))
        _ = try run(&row, .afterUploadFailed(reason: "read-only"))
        guard case .waiting(.finish, _) = row.state else {
            Issue.record("\(row.state)")
            return
        }
        #expect(row.deliveryStep == .finish)
        let later = EventContext(now: t0.addingTimeInterval(7200), jitter: 0.5, policy: context.policy)
        _ = try run(&row, .afterUploadFailed(reason: "read-only"), at: later)
        #expect(row.state == .held(.finish) && row.code == .afterUploadFailed)
        _ = try run(&row, .retry)
        #expect(row.state == .uploaded)
        _ = try run(&row, .afterUploadDone(note: "files: archive"))
        #expect(row.state == .done && row.reason == "files: archive")
    }

    @Test func operatorActionsRespectRequestsOnTheWire() throws {
        var sending = ready()
        _ = try run(&sending, .createSending)
        #expect(throws: LifecycleRefusal.self) { try sending.handle(.hold, context) }
        #expect(throws: LifecycleRefusal.self) { try sending.handle(.forget, context) }
        var idle = ready()
        #expect(try idle.handle(.forget, context) == LifecycleDecision(effects: [.deleteRow, .reexamineDuplicates]))
        var held = ready()
        _ = try run(&held, .hold)
        #expect(held.state == .held(.create) && held.code == .operatorHold)
        #expect(throws: LifecycleRefusal.self) { try held.handle(.accept, context) }
        var copy = RecordingLifecycle(state: .duplicate(of: 3))
        _ = try run(&copy, .retry)
        #expect(copy.state == .pending)
    }

    @Test func waitingForTheUserMappingIsRecordedOnceAndNeverTimesOut() throws {
        var row = RecordingLifecycle.seen(reason: "new")
        #expect(try row.handle(.awaitingUsers(reason: "users file unreadable"), context) == LifecycleDecision(effects: .recordTransition))
        #expect(try row.handle(.awaitingUsers(reason: "users file unreadable"), context) == .quiet)
        #expect(row.state == .pending && row.code == .awaitingUsers)
    }

    @Test func reconciliationMarksOnlyDeliveredCallsMissingAndRetryCreatesAgain() throws {
        var done = RecordingLifecycle(state: .done, identity: Identity(clientUniqueId: "pbx:1", callId: "77"))
        _ = try run(&done, .reconciledMissing(callId: "77", reason: "not listed"))
        #expect(done.state == .missing && done.code == .missingInGong && done.reason == "not listed")
        // Listed after all (Gong was still processing it): done again.
        var found = done
        _ = try run(&found, .reconciledFound(callId: "77"))
        #expect(found.state == .done && found.identity?.callId == "77")
        // `accept`: the operator checked it in Gong.
        var accepted = done
        _ = try run(&accepted, .accept)
        #expect(accepted.state == .done)
        // `retry`: created again under the same id, which stays locked.
        var again = done
        _ = try run(&again, .retry)
        #expect(again.state == .ready && again.identity?.callId == nil && again.identity?.clientUniqueId == "pbx:1")
        #expect(again.identity?.goneCallId == "77" && again.identity?.isLocked == true && again.identity?.createsInDoubt == 0)
        // Gong remembers the deleted call's id for hours: an answer naming it proves nothing.
        _ = try run(&again, .createSending, .createAnswered(.alreadyCreated(callId: "77")))
        #expect(again.state == .held(.create) && again.code == .missingInGong && again.identity?.callId == nil, "\(again.state)")
        #expect(again.identity?.createsInDoubt == 0, "that create made nothing")
        // Later, once Gong has forgotten it: a new call.
        _ = try run(&again, .retry, .createSending, .createAnswered(.created(callId: "78")), .uploadSending)
        // …but the audio may still be remembered on the deleted call: not a delivery.
        _ = try run(&again, .uploadAnswered(.mediaAlreadyThere(otherCallId: "77")))
        #expect(again.state == .held(.upload) && again.code == .missingInGong && again.identity?.callId == "78")
        _ = try run(&again, .retry, .uploadSending, .uploadAnswered(.mediaAccepted))
        #expect(again.state == .uploaded && again.identity?.callId == "78")
        var fresh = done
        _ = try run(&fresh, .retry, .createSending, .createAnswered(.created(callId: "78")), .uploadSending, .uploadAnswered(.mediaAccepted))
        #expect(fresh.state == .uploaded && fresh.identity?.callId == "78")
        // Nothing else is reconciled, and a missing recording is not missed twice.
        for state: LifecycleState in [.ready, .held(.upload), .uploaded, .missing] {
            var other = RecordingLifecycle(state: state, identity: Identity(clientUniqueId: "pbx:1", callId: "77"))
            #expect(throws: LifecycleRefusal.self) { try other.handle(.reconciledMissing(callId: "77", reason: "r"), context) }
        }
        var notMissing = RecordingLifecycle(state: .done, identity: Identity(clientUniqueId: "pbx:1", callId: "77"))
        #expect(throws: LifecycleRefusal.self) { try notMissing.handle(.reconciledFound(callId: "77"), context) }
        // A list proves things of the call it names only: another call's absence moves nothing.
        var redelivered = RecordingLifecycle(state: .done, identity: Identity(clientUniqueId: "pbx:1", callId: "78"))
        #expect(throws: LifecycleRefusal.self) { try redelivered.handle(.reconciledMissing(callId: "77", reason: "r"), context) }
        var missingOther = RecordingLifecycle(state: .missing, identity: Identity(clientUniqueId: "pbx:1", callId: "78"))
        #expect(throws: LifecycleRefusal.self) { try missingOther.handle(.reconciledFound(callId: "77"), context) }
    }

    @Test func retryOfAContentFindingWaivesTheChecksAndNothingElseDoes() throws {
        var short = RecordingLifecycle(state: .skipped, code: .mediaTooShort, reason: "12 s")
        _ = try run(&short, .retry)
        #expect(short.state == .pending && short.checksWaived)
        var cut = RecordingLifecycle(state: .held(.intake), code: .mediaTruncated, reason: "12 s of 300 s")
        _ = try run(&cut, .release)
        #expect(cut.state == .pending && cut.checksWaived)
        var backfill = RecordingLifecycle(state: .skipped, code: .backfill, reason: "old")
        _ = try run(&backfill, .retry)
        #expect(backfill.state == .pending && !backfill.checksWaived)
        // A changed file is looked at again; an old one skipped as backfill is not.
        var silent = RecordingLifecycle(state: .skipped, code: .mediaSilent, reason: "silent")
        _ = try run(&silent, .filesChanged)
        #expect(silent.state == .pending)
        var old = RecordingLifecycle(state: .skipped, code: .backfill, reason: "old")
        #expect(throws: LifecycleRefusal.self) { try old.handle(.filesChanged, context) }
    }

    // MARK: Issue 21

    @Test func anUploadInDoubtProvesOnlyTheBytesItCarried() throws {
        // Version A goes out, its answer is lost; the file is rewritten (B) and taken again.
        var rewritten = ready()
        _ = try run(
            &rewritten, .createSending, .createAnswered(.created(callId: "5")), .uploadSending,
            .uploadAnswered(.retryable(code: .timeout, message: "lost")))
        #expect(rewritten.identity?.uploadDigestsInDoubt == ["a1"])
        rewritten = RecordingLifecycle(state: .created, identity: rewritten.identity, audioSHA256: "b2")
        _ = try run(&rewritten, .uploadSending)
        _ = try rewritten.handle(.uploadAnswered(.mediaAlreadyThere(otherCallId: nil)), context)
        #expect(rewritten.state == .held(.upload) && rewritten.code == .earlierVersionInGong, "\(rewritten)")
        #expect(rewritten.deliveryStep != .finish, "files kept")
        #expect(rewritten.reason?.contains("call 5") == true)
        // The same bytes twice are proof.
        var same = ready()
        _ = try run(
            &same, .createSending, .createAnswered(.created(callId: "5")), .uploadSending,
            .uploadAnswered(.retryable(code: .timeout, message: "lost")), .uploadSending)
        _ = try same.handle(.uploadAnswered(.mediaAlreadyThere(otherCallId: nil)), context)
        #expect(same.deliveryStep == .finish)
        #expect(same.identity?.uploadDigestsInDoubt == [] && same.identity?.uploadsInDoubt == 0)
        // An upload in doubt from before digests were recorded proves nothing about these bytes.
        var legacy = RecordingLifecycle(
            state: .created, identity: Identity(clientUniqueId: "pbx:1", callId: "5", uploadsInDoubt: 1), audioSHA256: "a1")
        _ = try run(&legacy, .uploadSending, .uploadAnswered(.mediaAlreadyThere(otherCallId: nil)))
        #expect(legacy.code == .earlierVersionInGong)
    }

    @Test func aFourFifteenOnOneUploadHoldsThatRecordingAndARepeatHalts() throws {
        var one = ready()
        let decision = try run(
            &one, .createSending, .createAnswered(.created(callId: "5")), .uploadSending,
            .uploadAnswered(.mediaTypeRefused(message: "Unsupported Media Type", repeated: false)))
        #expect(one.state == .held(.upload) && one.code == .mediaTypeRefused)
        #expect(!decision.actions.contains { if case .haltSending = $0 { true } else { false } })
        #expect(one.identity?.uploadsInDoubt == 0, "a 415 proves nothing was stored")
        var second = ready()
        let halting = try run(
            &second, .createSending, .createAnswered(.created(callId: "6")), .uploadSending,
            .uploadAnswered(.mediaTypeRefused(message: "Unsupported Media Type", repeated: true)))
        #expect(second.state == .held(.upload) && second.code == .endpointMisconfigured)
        #expect(halting.actions.contains { if case .haltSending = $0 { true } else { false } })
    }

    @Test func aCallGoneFromGongIsRememberedAndItsAnswerHolds() throws {
        var deleted = ready()
        _ = try run(
            &deleted, .createSending, .createAnswered(.created(callId: "5")), .uploadSending,
            .uploadAnswered(.unknownCall(message: "Call ID was not found")))
        #expect(deleted.identity?.goneCallId == "5" && deleted.identity?.callId == nil)
        #expect(deleted.identity?.isLocked == true, "Gong may still answer with the id")
        _ = try run(&deleted, .retry, .createSending, .createAnswered(.alreadyCreated(callId: "5")))
        #expect(deleted.state == .held(.create) && deleted.code == .missingInGong, "no loop: \(deleted)")
    }
}
