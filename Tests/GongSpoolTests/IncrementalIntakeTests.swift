import Foundation
import GongSpoolSQLite
import TestSupport
import Testing

@testable import GongSpoolCore

/// Poll cost follows change, not history: unchanged directories are not listed, waiting files
/// are re-stated, a full rescan runs on its period or on request; prune keeps the store small.
@Suite struct IncrementalIntakeTests {
    /// A harness whose manual clock starts well after the files' real mtimes (so no directory
    /// counts as "just modified").
    func harness() throws -> IntakeHarness {
        try IntakeHarness(clockStart: Date().addingTimeInterval(3600)) {
            $0.recursive = true
            $0.fullRescanMinutes = 60
        }
    }

    @Test func unchangedDirectoriesAreNotListedAgain() async throws {
        let h = try harness()
        defer { h.remove() }
        for day in 1...5 {
            for call in 0..<4 { try h.addPair("2026/11/0\(day)/c\(call)", id: "pbx:\(day)-\(call)") }
        }
        let first = try await h.settle()
        #expect(first.becameReady == 20)
        h.clock.advance(1)
        let quiet = try await h.intake.poll()
        #expect(quiet.filesSeen == 0, "nothing changed, nothing listed")
        #expect(!quiet.fullRescan)

        // A new recording in one folder: only that folder is listed.
        try h.addPair("2026/11/03/late", id: "pbx:late")
        h.clock.advance(1)
        let one = try await h.intake.poll()
        #expect(one.filesSeen == 10, "the 4 pairs and the new pair of one folder")
        h.clock.advance(h.settings.settleSeconds + 1)
        let taken = try await h.intake.poll()
        #expect(taken.becameReady == 1, "the waiting pair is re-stated without listing its folder")
        #expect(taken.filesSeen == 2)

        // A new dated folder is found through its parent's mtime.
        try h.addPair("2026/11/06/new", id: "pbx:new")
        h.clock.advance(1)
        _ = try await h.intake.poll()
        h.clock.advance(h.settings.settleSeconds + 1)
        _ = try await h.intake.poll()
        #expect(try await h.row("2026/11/06/new")?.state == .ready)

        // The full rescan period lists everything again.
        h.clock.advance(3600)
        let full = try await h.intake.poll()
        #expect(full.fullRescan)
        #expect(full.filesSeen == 44)
        h.clock.advance(1)
        await h.intake.requestFullRescan()
        #expect(try await h.intake.poll().fullRescan, "on request, e.g. after an inotify overflow")
    }

    @Test func aFileGrowingInAnUnchangedFolderIsFollowedUntilSettled() async throws {
        let h = try harness()
        defer { h.remove() }
        try h.spool.write("d/grow.json", Fixtures.sidecarData(id: "pbx:grow"))
        let audio = Fixtures.wav(seconds: 2, seed: 5)
        try h.spool.write("d/grow.wav", audio.prefix(1000))
        try await h.intake.poll()
        h.clock.advance(1)
        // Appending changes the file, not its folder.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: h.spool.file("d/grow.wav")))
        try handle.seekToEnd()
        try handle.write(contentsOf: audio.dropFirst(1000))
        try handle.close()
        try await h.intake.poll()
        let row = try #require(try await h.row("d/grow"))
        #expect(row.size == Int64(audio.count), "the growth was seen")
        h.clock.advance(h.settings.settleSeconds + 1)
        try await h.intake.poll()
        #expect(try await h.row("d/grow")?.state == .ready)
    }

    @Test func inotifyEventsDecodeAndAnOverflowIsRecognised() {
        func event(wd: Int32, mask: UInt32, name: String) -> [UInt8] {
            var bytes: [UInt8] = []
            func u32(_ v: UInt32) { bytes += withUnsafeBytes(of: v.littleEndian) { Array($0) } }
            let padded = name.isEmpty ? [] : Array(name.utf8) + Array(repeating: 0, count: 16 - name.utf8.count % 16)
            u32(UInt32(bitPattern: wd))
            u32(mask)
            u32(0)
            u32(UInt32(padded.count))
            return bytes + padded
        }
        let bytes = event(wd: 1, mask: 0x8, name: "a.wav") + event(wd: -1, mask: 0x4000, name: "") + event(wd: 2, mask: 0x4000_0100, name: "12")
        let events = InotifyDecoder.decode(bytes + [1, 2, 3])
        #expect(
            events == [
                .init(wd: 1, mask: 0x8, name: "a.wav"),
                .init(wd: -1, mask: 0x4000, name: ""),
                .init(wd: 2, mask: 0x4000_0100, name: "12"),
            ])
    }

    @Test func pruneDropsOldHistoryAndKeepsIdsUnlessAll() async throws {
        let h = try harness()
        defer { h.remove() }
        try h.addPair("old", id: "pbx:old")
        try await h.settle()
        let row = try #require(try await h.row("old"))
        let id = try #require(row.id)
        try await h.store.deliverAsIfGongAnswered(id, callId: "7000000000000000001", now: h.clock.now())
        let kept = try await h.store.prune(finishedBefore: h.clock.now().addingTimeInterval(1), all: false)
        #expect(kept.transitions >= 3)
        #expect(kept.recordings == 0)
        #expect(try await h.store.find("pbx:old") != nil, "the id still guards against re-exports")
        #expect(try await h.store.history(of: id).isEmpty)
        let none = try await h.store.prune(finishedBefore: h.clock.now().addingTimeInterval(-86_400), all: true)
        #expect(none.recordings == 0, "younger than the cutoff")
        let all = try await h.store.prune(finishedBefore: h.clock.now().addingTimeInterval(1), all: true)
        #expect(all.recordings == 1)
        #expect(try await h.store.find("pbx:old") == nil)
    }
}
