import Foundation
import GongSpoolCore
import GongSpoolSQLite
import TestSupport
import Testing

@Suite struct OperatorActionsTests {
    func readyRecording() async throws -> (IntakeHarness, OperatorActions) {
        let h = try IntakeHarness()
        try h.addPair("op", id: "pbx:op")
        try await h.settle()
        return (h, OperatorActions(store: h.store, clock: h.clock))
    }

    @Test func holdAndReleaseRoundTrip() async throws {
        let (h, actions) = try await readyRecording()
        defer { h.remove() }
        #expect(try await actions.hold("pbx:op").state == .held)
        #expect(try await h.store.nextDue(now: h.clock.now(), excluding: []) == nil)
        #expect(try await actions.release("pbx:op").state == .ready)
        #expect(try await h.store.nextDue(now: h.clock.now(), excluding: [])?.clientUniqueId == "pbx:op")
        await #expect(throws: OperatorActions.Refusal.self) { try await actions.release("pbx:op") }
    }

    @Test func retryOfRejectedGoesBackToIntake() async throws {
        let h = try IntakeHarness()
        defer { h.remove() }
        try h.spool.write("r.wav", Fixtures.wav())
        try h.spool.write("r.json", text: "{")
        try await h.settle()
        let actions = OperatorActions(store: h.store, clock: h.clock)
        #expect(try await actions.retry("r").state == .pending)
        await #expect(throws: OperatorActions.Refusal.self) { try await actions.retry("nothing-here") }
    }

    @Test func forgetRemovesStateAndAllowsReimport() async throws {
        let (h, actions) = try await readyRecording()
        defer { h.remove() }
        let forgotten = try await actions.forget("pbx:op")
        #expect(forgotten.clientUniqueId == "pbx:op")
        #expect(try await h.store.find("pbx:op") == nil)
        try await h.settle()
        #expect(try await h.store.find("pbx:op")?.state == .ready)
    }

    @Test func inFlightRecordingsCannotBeHeldOrForgotten() async throws {
        let (h, actions) = try await readyRecording()
        defer { h.remove() }
        let row = try #require(try await h.store.find("pbx:op"))
        try await h.store.apply(try #require(row.id), .createSending, context: EventContext(now: h.clock.now()))
        await #expect(throws: OperatorActions.Refusal.self) { try await actions.hold("pbx:op") }
        await #expect(throws: OperatorActions.Refusal.self) { try await actions.forget("pbx:op") }
    }

    @Test func forgettingAnOriginalLetsItsDuplicateCarryOn() async throws {
        let h = try IntakeHarness()
        defer { h.remove() }
        try h.addPair("a", id: "pbx:same")
        try await h.settle()
        try h.spool.write("b.wav", try #require(FileManager.default.contents(atPath: h.spool.file("a.wav"))))
        try h.spool.write("b.json", try #require(FileManager.default.contents(atPath: h.spool.file("a.json"))))
        try await h.settle()
        #expect(try await h.row("b")?.state == .duplicate)
        let actions = OperatorActions(store: h.store, clock: h.clock)
        _ = try await actions.forget("a")
        #expect(try await h.row("b")?.state == .pending, "examined again")
        try await h.settle()
        #expect(try await h.row("b")?.state == .ready)
        #expect(try await h.store.find("pbx:same")?.stem == "b")
    }

    @Test func acceptIsOnlyForCallsGongHoldsWithoutProof() async throws {
        let (h, actions) = try await readyRecording()
        defer { h.remove() }
        await #expect(throws: OperatorActions.Refusal.self) { try await actions.accept("pbx:op") }
        let id = try #require(try await h.store.find("pbx:op")?.id)
        let context = EventContext(now: h.clock.now())
        try await h.store.apply(id, .createSending, context: context)
        try await h.store.apply(id, .createAnswered(.alreadyCreated(callId: "42")), context: context)
        try await h.store.apply(id, .uploadSending, context: context)
        try await h.store.apply(id, .uploadAnswered(.mediaAlreadyThere(otherCallId: nil)), context: context)
        #expect(try await h.store.find("pbx:op")?.lastErrorCode == .foreignMedia)
        let accepted = try await actions.accept("pbx:op")
        #expect(accepted.state == .done && accepted.callId == "42")
        #expect(try await h.store.history(of: id).last?.reason?.hasPrefix("accepted by operator") == true)
    }
}
