import Foundation
import GongSpoolCore
import GongSpoolSQLite
import TestSupport
import Testing

@Suite struct BackfillTests {
    @Test func firstStartCutoffSkipsOlderRecordingsAndIsRemembered() async throws {
        let h = try IntakeHarness()
        defer { h.remove() }
        try h.addPair("old", id: "pbx:old")
        let past = Date(timeIntervalSince1970: 1_600_000_000)
        for name in ["old.wav", "old.json"] {
            try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: h.spool.file(name))
        }
        try h.addPair("new", id: "pbx:new")
        let cutoff = try await h.store.backfillCutoff(.none, now: h.clock.now())
        #expect(cutoff == h.clock.now())
        // A later start with another setting keeps the first start's cutoff.
        #expect(try await h.store.backfillCutoff(.all, now: h.clock.now().addingTimeInterval(999)) == cutoff)
        await h.intake.setBackfillCutoff(cutoff)
        try await h.settle()
        let old = try #require(try await h.row("old"))
        #expect(old.state == .skipped)
        #expect(old.reason?.contains("backfill") == true)
        #expect(try await h.row("new")?.state == .ready)
        // An operator may still take it.
        _ = try await OperatorActions(store: h.store, clock: h.clock).retry("old")
        try await h.settle()
        #expect(try await h.row("old")?.state == .ready)
    }

    @Test func backfillValuesParse() {
        #expect(Backfill("all") == .all)
        #expect(Backfill("none") == Backfill.none)
        #expect(Backfill("2026-11-01") == .since(Date(timeIntervalSince1970: 1_793_491_200)))
        #expect(Backfill("yesterday") == nil)
    }
}
