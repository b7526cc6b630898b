import Foundation
import GRDB
import GongSpoolCore
import TestSupport
import Testing

@testable import GongSpoolSQLite

/// `ErasureJob` over a real SQLite state and real files: each of a recording's files is judged on
/// its own; a file replaced at its path, or one reached through a link, is not the recording's
/// to delete — it is named, never touched, and the tombstone is left all the same.
@Suite struct ErasureJobTests {
    @Test func aReplacedFileOrALinkIsLeftAndNamedAndTheRestGoes() async throws {
        let dir = try TemporaryDirectory()
        let spool = try TemporaryDirectory("spool")
        let outside = try TemporaryDirectory("outside")
        defer {
            dir.remove()
            spool.remove()
            outside.remove()
        }
        let store = try SQLiteStateStore.open(path: dir.file("state.sqlite"))
        let now = Date(timeIntervalSince1970: 1_000)
        // Recording 1: its audio was re-recorded at the path since it was taken; its sidecar is as taken.
        _ = try spool.write("a.wav", Fixtures.wav(seed: 1))
        _ = try spool.write("a.json", Data("{\"parties\":[{\"phoneNumber\":\"+15557770001\"}]}".utf8))
        // Recording 2: its folder is a link out of the spool.
        _ = try outside.write("b.wav", Fixtures.wav(seed: 2))
        #expect(symlink(outside.path, spool.file("linked")) == 0)
        func taken(_ path: String) throws -> (size: Int64, mtimeNs: Int64) {
            var info = stat()
            #expect(lstat(spool.file(path), &info) == 0)
            return (Int64(info.st_size), Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
        }
        let sidecar = try taken("a.json")
        let first = Fingerprint(
            audioPath: "a.wav", size: 1, mtimeNs: 1, inode: 1, sidecarPath: "a.json", sidecarSize: sidecar.size, sidecarMtimeNs: sidecar.mtimeNs)
        let second = Fingerprint(
            audioPath: "linked/b.wav", size: nil, mtimeNs: nil, inode: nil, sidecarPath: nil, sidecarSize: nil, sidecarMtimeNs: nil)
        var ids: [Int64] = []
        for (stem, files) in [("a", first), ("linked/b", second)] {
            let row = try await store.insert(stem: stem, .skipped(reason: "old"), evidence: Evidence(fingerprint: files), now: now)
            let id = try #require(row.id)
            try await store.apply(id, .erase(request: 1), context: EventContext(now: now))
            ids.append(id)
        }
        var settings = SpoolSettings()
        settings.directory = spool.path
        let finished = try await ErasureJob(store: store, spool: settings, countryCode: nil).finishPending()
        #expect(finished.erasedIds == Set(ids) && finished.pendingHere.isEmpty, "\(finished)")
        #expect(finished.filesDeleted == 1, "the sidecar as taken")
        #expect(!FileManager.default.fileExists(atPath: spool.file("a.json")))
        #expect(FileManager.default.fileExists(atPath: spool.file("a.wav")), "replaced since: not the recording's file")
        #expect(FileManager.default.fileExists(atPath: outside.file("b.wav")), "a link is never followed")
        #expect(finished.filesLeft.count == 2 && finished.filesLeft.allSatisfy { $0.hasPrefix(spool.path + "/") }, "\(finished.filesLeft)")
        for id in ids { #expect(try await store.find(String(id))?.isTombstone == true) }
        try store.close()
    }

    @Test func lookingForUnfinishedErasuresReadsOnlyTheirPartialIndex() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStateStore.open(path: dir.file("state.sqlite"))
        let plan = try await store.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT * FROM recordings WHERE \(SQLFragment.erasurePending) ORDER BY id").map {
                $0["detail"] as String? ?? ""
            }.joined(separator: " ")
        }
        // A walk of the partial index, which holds the unfinished erasures only (none, mostly).
        #expect(plan == "SCAN recordings USING INDEX recordings_erasure_pending", "\(plan)")
        try store.close()
    }
}
