import Foundation
import GRDB
import TestSupport
import Testing

@testable import GongSpoolCore
@testable import GongSpoolSQLite

@Suite struct StateStoreTests {
    @Test func databaseIsDurableWALWithIncrementalVacuum() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStateStore.open(path: dir.file("s/state.sqlite"))
        let pragmas = try await store.pool.write { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                try Int.fetchOne(db, sql: "PRAGMA auto_vacuum"),
                try Int.fetchOne(db, sql: "PRAGMA busy_timeout")
            )
        }
        #expect(pragmas.0 == "wal")
        #expect(pragmas.1 == 2)  // FULL
        #expect(pragmas.2 == 2)  // INCREMENTAL
        #expect((pragmas.3 ?? 0) >= 1000)
    }

    /// `report` walks every row a page at a time: each row once, in id order, whatever the page.
    @Test(arguments: RoleBackend.allCases)
    func theReportWalksEveryRowOnceAPageAtATime(_ backend: RoleBackend) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await backend.makeStore(in: dir)
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        for i in 0..<7 { _ = try await store.insert(stem: "r\(i)", .seen(reason: "new"), evidence: Evidence(), now: now) }
        let first = try await store.recordings(afterId: 0, limit: 3)
        #expect(first.map(\.stem) == ["r0", "r1", "r2"])
        let rest = try await store.recordings(afterId: first.last?.id ?? 0, limit: 10)
        #expect(rest.map(\.stem) == ["r3", "r4", "r5", "r6"])
        var lines: [String] = []
        let report = DeliveryReport(filter: .init(since: now.addingTimeInterval(-1)), format: .csv)
        let count = try await report.write(from: store, pageSize: 2) { lines.append($0) }
        #expect(count == 7 && lines.count == 8, "\(lines)")
        #expect(lines.dropFirst().allSatisfy { $0 == ",,,,pending,,,,,no,no,\n" }, "\(lines)")
    }

    @Test(arguments: RoleBackend.allCases)
    func transitionsAreRecordedAndGuarded(_ backend: RoleBackend) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await backend.makeStore(in: dir)
        let now = Date(timeIntervalSince1970: 1_000)
        let row = try await store.insert(stem: "a", .seen(reason: "new"), evidence: Evidence(), now: now)
        let id = try #require(row.id)
        try await store.apply(id, .inputRejected(.invalidRequest, reason: "bad"), context: EventContext(now: now))
        await #expect(throws: StoreError.self) {
            try await store.apply(id, .claimed(.owner(clientUniqueId: "x")), context: EventContext(now: now))
        }
        let history = try await store.history(of: id)
        #expect(history.map(\.toState) == [.pending, .rejected])
        #expect(history.last?.errorCode == .invalidRequest)
        #expect(try await store.find(String(id))?.clientUniqueId == nil, "the refused claim changed nothing")
        let counts = try await store.countsByState()
        #expect(counts[.rejected] == 1)
        #expect(counts.count == RecordingState.allCases.count)
    }

    /// A row with every column set, as a recording that has been through a lot holds them.
    static func fullRow(now: Date) -> (RecordingLifecycle, Evidence) {
        let lifecycle = RecordingLifecycle(
            state: .waiting(.upload, until: now.addingTimeInterval(60)),
            identity: .init(clientUniqueId: "pbx:1", callId: "c1", createsInDoubt: 1, uploadsInDoubt: 2, goneCallId: "c0"),
            code: .http(503), reason: "later", attempts: 3, failingSince: now.addingTimeInterval(-30), checksWaived: true)
        let evidence = Evidence(
            fingerprint: Fingerprint(
                audioPath: "a.wav", size: 10, mtimeNs: 11, inode: 12, sidecarPath: "a.json", sidecarSize: 13, sidecarMtimeNs: 14),
            stableSince: now.addingTimeInterval(-5), sha256: "ab", requestJSON: "{}", mediaKind: "wav",
            createRequestId: "r1", mediaRequestId: "r2", mediaURL: "https://x", levels: AudioLevels(peakDb: [-3, -120]), silentChannels: [1])
        return (lifecycle, evidence)
    }

    /// Every column a row holds comes back as it was written, through the insert and through an update.
    @Test(arguments: RoleBackend.allCases)
    func everyColumnComesBackAsWritten(_ backend: RoleBackend) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await backend.makeStore(in: dir)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let (lifecycle, evidence) = Self.fullRow(now: now)
        let inserted = try await store.insert(stem: "a", lifecycle, evidence: evidence, now: now)
        #expect(try await store.find(String(try #require(inserted.id))) == inserted)
        var observed = evidence
        observed.mediaURL = "https://y"
        try await store.observe(try #require(inserted.id), observed, now: now.addingTimeInterval(1))
        var expected = inserted
        expected.mediaURL = "https://y"
        expected.updatedAt = now.addingTimeInterval(1)
        #expect(try await store.find("pbx:1") == expected)
    }

    /// The batched insert binds columns by hand: every column a new row holds must reach the
    /// table exactly as GRDB's own record encoding writes it, and every column must be bound.
    /// A daemon and operator commands may open a new database at the same moment: each open
    /// migrates it, and none fails because another one was migrating too.
    @Test func manyOpeningANewDatabaseAtOnceAllSucceed() async throws {
        for round in 0..<5 {
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let path = dir.file("state-\(round).sqlite")
            let opened = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        await Task.detached {
                            do {
                                try SQLiteStateStore.open(path: path).close()
                                return nil
                            } catch {
                                return "\(error)"
                            }
                        }.value
                    }
                }
                var failures: [String] = []
                for await failure in group { if let failure { failures.append(failure) } }
                return failures
            }
            #expect(opened.isEmpty, "\(opened)")
        }
    }

    @Test func theHandWrittenInsertWritesEveryColumnTheRowHolds() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStateStore.open(path: dir.file("state.sqlite"))
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let (lifecycle, evidence) = Self.fullRow(now: now)
        let inserted = try await store.insert(stem: "a", lifecycle, evidence: evidence, now: now)
        let stored = try await store.pool.read { db in try Recording.fetchOne(db, key: inserted.id) }
        #expect(stored == inserted)
        var viaGRDB = inserted
        viaGRDB.id = nil
        viaGRDB.stem = "b"
        viaGRDB.clientUniqueId = "pbx:2"
        try await store.pool.write { [viaGRDB] db in
            var record = viaGRDB
            try record.insert(db)
        }
        let (mine, theirs) = try await store.pool.read { db in
            (
                try Row.fetchOne(db, sql: "SELECT * FROM recordings WHERE stem = 'a'"),
                try Row.fetchOne(db, sql: "SELECT * FROM recordings WHERE stem = 'b'")
            )
        }
        let columns = try #require(mine).columnNames.filter { !["id", "stem", "clientUniqueId"].contains($0) }
        #expect(columns.count == 37)
        for column in columns {
            #expect(mine?[column] as DatabaseValue? == theirs?[column] as DatabaseValue?, "\(column)")
        }
    }

    @Test(arguments: RoleBackend.allCases)
    func clientUniqueIdIsUniqueInTheSchema(_ backend: RoleBackend) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await backend.makeStore(in: dir)
        let owner = RecordingLifecycle(state: .ready, identity: Identity(clientUniqueId: "x"))
        _ = try await store.insert(stem: "a", owner, evidence: Evidence(), now: Date())
        await #expect(throws: StoreError.self) { try await store.insert(stem: "b", owner, evidence: Evidence(), now: Date()) }
    }

    @Test(arguments: RoleBackend.allCases)
    func claimsGiveDuplicatesConflictsAndPassTheIdOnlyFromAFailureBeforeSending(_ backend: RoleBackend) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await backend.makeStore(in: dir)
        let context = EventContext(now: Date(timeIntervalSince1970: 1_000))
        func pending(_ stem: String) async throws -> Int64 {
            try #require(try await store.insert(stem: stem, .seen(reason: "new"), evidence: Evidence(), now: context.now).id)
        }
        let a = try await pending("a")
        let b = try await pending("b")
        let c = try await pending("c")
        #expect(try await store.claim(a, clientUniqueId: "x", evidence: Evidence(sha256: "1"), context: context).row.state == .ready)
        let copy = try await store.claim(b, clientUniqueId: "x", evidence: Evidence(sha256: "1"), context: context).row
        #expect(copy.state == .duplicate && copy.duplicateOf == a && copy.clientUniqueId == nil)
        let other = try await store.claim(c, clientUniqueId: "x", evidence: Evidence(sha256: "2"), context: context).row
        #expect(other.state == .held && other.lastErrorCode == .contentConflict)
        // The original's audio cannot be opened for a moment: it waits and tries again, the copy
        // stays a copy.
        try await store.apply(a, .fileUnreadable(.fileOpen, reason: "EACCES"), context: context)
        #expect(try await store.find(String(a))?.state == .waiting)
        #expect(try await store.find(String(b))?.state == .duplicate)
        // Then it is replaced by a link (never followed) before anything was sent: the original
        // failed, the copy is examined again and takes the id over.
        try await store.apply(a, .fileUnreadable(.fileSymlink, reason: "a symbolic link"), context: context)
        #expect(try await store.find(String(b))?.state == .pending)
        let taken = try await store.claim(b, clientUniqueId: "x", evidence: Evidence(sha256: "1"), context: context).row
        #expect(taken.state == .ready && taken.clientUniqueId == "x")
        #expect(try await store.find(String(a))?.clientUniqueId == nil)
        // Once a create may have reached Gong, the id is never handed over.
        try await store.apply(b, .createSending, context: context)
        try await store.apply(b, .createAnswered(.retryable(code: .timeout, message: "slow")), context: context)
        try await store.apply(b, .retry, context: context)
        try await store.apply(b, .hold, context: context)
        let d = try await pending("d")
        let later = try await store.claim(d, clientUniqueId: "x", evidence: Evidence(sha256: "1"), context: context).row
        #expect(later.state == .duplicate)
    }

    @Test func reconciliationCandidatesAndConfirmationsFollowTheCallTheRowOwns() async throws {
        let h = try IntakeHarness()
        defer { h.remove() }
        for stem in ["a", "b", "c"] { try h.addPair(stem, id: "pbx:\(stem)") }
        try await h.settle()
        let now = h.clock.now()
        for (stem, call) in [("a", "11"), ("b", "12")] {
            try await h.store.deliverAsIfGongAnswered(try #require(try await h.row(stem)?.id), callId: call, now: now)
        }
        let candidates = try await h.store.reconcileCandidates(deliveredSince: now.addingTimeInterval(-60), before: now.addingTimeInterval(60))
        #expect(candidates.map(\.callId) == ["11", "12"], "only delivered rows, with their calls")
        #expect(try await h.store.reconcileCandidates(deliveredSince: now.addingTimeInterval(1), before: now.addingTimeInterval(60)).isEmpty)
        // A stale candidate (its row now owns another call) is not confirmed; the others are.
        var stale = try #require(candidates.first)
        stale.callId = "99"
        try await h.store.confirmListed([stale, candidates[1]], at: now)
        #expect(try await h.row("a")?.confirmedAt == nil)
        #expect(try await h.row("b")?.confirmedAt != nil)
        let left = try await h.store.reconcileCandidates(deliveredSince: now.addingTimeInterval(-60), before: now.addingTimeInterval(60))
        #expect(left.map(\.callId) == ["11"], "a confirmed call is not asked about again")
        // The query reads the partial index, not the table.
        let plan = try await h.store.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteStateStore.reconcileCandidatesSQL, arguments: [now, now]).map {
                $0["detail"] as String? ?? ""
            }.joined(separator: " ")
        }
        #expect(plan.contains("USING INDEX recordings_unconfirmed") && !plan.contains("SCAN"), "\(plan)")
    }

    @Test(arguments: StoreBackend.allCases)
    func reconciliationFollowsTheCallTheRowOwns(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await backend.makeStore(in: dir)
        let now = Date(timeIntervalSince1970: 1_764_000_000)
        var ids: [Int64] = []
        for (stem, call) in [("a", "11"), ("b", "12"), ("c", nil)] {
            let body = #"{"actualStart":"2025-11-24T16:00:00Z","clientUniqueId":"pbx:\#(stem)"}"#
            let row = try await store.insert(
                stem: stem, RecordingLifecycle(state: .ready, identity: Identity(clientUniqueId: "pbx:\(stem)")),
                evidence: Evidence(requestJSON: body), now: now)
            let id = try #require(row.id)
            ids.append(id)
            if let call { try await store.deliverAsIfGongAnswered(id, callId: call, now: now) }
        }
        let candidates = try await store.reconcileCandidates(deliveredSince: now.addingTimeInterval(-60), before: now.addingTimeInterval(60))
        #expect(candidates.map(\.callId) == ["11", "12"], "only delivered rows, with their calls")
        #expect(candidates.first?.start == ISOTimestamp.parse("2025-11-24T16:00:00Z"))
        #expect(try await store.reconcileCandidates(deliveredSince: now.addingTimeInterval(1), before: now.addingTimeInterval(60)).isEmpty)
        var stale = try #require(candidates.first)
        stale.callId = "99"
        try await store.confirmListed([stale, candidates[1]], at: now)
        #expect(try await store.find(String(ids[0]))?.confirmedAt == nil)
        #expect(try await store.find(String(ids[1]))?.confirmedAt == now)
        let left = try await store.reconcileCandidates(deliveredSince: now.addingTimeInterval(-60), before: now.addingTimeInterval(60))
        #expect(left.map(\.callId) == ["11"], "a confirmed call is not asked about again")
        let facts = try await store.queueFacts()
        #expect(facts.lastSuccess == now)
        #expect(facts.requestsNeeded == 2, "one recording still to create and upload")
    }

    /// The queue's order: a recording whose call exists first, then the newest; busy rows and
    /// retries not yet due are skipped; the daily budget stops at its limit.
    @Test(arguments: RoleBackend.allCases)
    func theQueueOrdersAndTheDailyBudgetStops(_ backend: RoleBackend) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await backend.makeStore(in: dir)
        let now = Date(timeIntervalSince1970: 1_764_000_000)
        func ready(_ stem: String, mtime: Int64, callId: String? = nil) async throws -> Int64 {
            let fingerprint = Fingerprint(
                audioPath: stem + ".wav", size: 1, mtimeNs: mtime, inode: 1, sidecarPath: nil, sidecarSize: nil, sidecarMtimeNs: nil)
            let state: LifecycleState = callId == nil ? .ready : .created
            return try #require(
                try await store.insert(
                    stem: stem, RecordingLifecycle(state: state, identity: Identity(clientUniqueId: "pbx:\(stem)", callId: callId)),
                    evidence: Evidence(fingerprint: fingerprint), now: now
                ).id)
        }
        let old = try await ready("old", mtime: 1)
        let new = try await ready("new", mtime: 3)
        let resumed = try await ready("resumed", mtime: 2, callId: "7")
        let later = try await store.insert(
            stem: "later",
            RecordingLifecycle(
                state: .waiting(.create, until: now.addingTimeInterval(60)),
                identity: Identity(clientUniqueId: "pbx:later")), evidence: Evidence(), now: now)
        #expect(try await store.nextDue(now: now, excluding: []).map(\.id) == resumed)
        #expect(try await store.nextDue(now: now, excluding: [resumed]).map(\.id) == new)
        #expect(try await store.nextDue(now: now, excluding: [resumed], order: .oldestFirst).map(\.id) == old)
        #expect(try await store.nextDue(now: now, excluding: [resumed, new, old]) == nil)
        #expect(try await store.isDue(now: now, excluding: [resumed, new]))
        #expect(try await store.nextRetryAt() == now.addingTimeInterval(60))
        #expect(try await store.nextDue(now: now.addingTimeInterval(61), excluding: [resumed, new, old]).map(\.id) == later.id)
        #expect(try await store.hasQueuedWork())
        #expect(try await store.reserveDailyRequest(day: "2025-11-24", limit: 2) == 1)
        #expect(try await store.reserveDailyRequest(day: "2025-11-24", limit: 2) == 2)
        #expect(try await store.reserveDailyRequest(day: "2025-11-24", limit: 2) == nil)
        #expect(try await store.reserveDailyRequest(day: "2025-11-25", limit: 2) == 1)
        #expect(try await store.dailyUsage(day: "2025-11-24") == 2)
    }

    /// What intake keeps between polls: directories, the newest row per stem, which stems need a look.
    @Test(arguments: StoreBackend.allCases)
    func intakeMemoryComesBack(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await backend.makeStore(in: dir)
        let now = Date(timeIntervalSince1970: 1_764_000_000)
        try await store.saveDirectories(
            changed: ["": DirectoryState(mtimeNs: 5, entryCount: 2), "d": DirectoryState(mtimeNs: 6, entryCount: 1)], removed: [])
        try await store.saveDirectories(changed: ["": DirectoryState(mtimeNs: 7, entryCount: 3)], removed: ["d"])
        #expect(try await store.directories() == ["": DirectoryState(mtimeNs: 7, entryCount: 3)])
        let files = Fingerprint(audioPath: "a.wav", size: 1, mtimeNs: 2, inode: 3, sidecarPath: "a.json", sidecarSize: 4, sidecarMtimeNs: 5)
        let first = try await store.insert(stem: "a", .seen(reason: "new"), evidence: Evidence(fingerprint: files), now: now)
        try await store.apply(try #require(first.id), .inputRejected(.invalidRequest, reason: "bad"), context: EventContext(now: now))
        let second = try await store.insert(stem: "a", .seen(reason: "again"), evidence: Evidence(fingerprint: files), now: now)
        let done = try await store.insert(
            stem: "b", RecordingLifecycle(state: .ready, identity: Identity(clientUniqueId: "pbx:b")),
            evidence: Evidence(fingerprint: files), now: now)
        try await store.deliverAsIfGongAnswered(try #require(done.id), callId: "1", now: now)
        #expect(try await store.latestRows(stems: ["a", "b", "z"]).mapValues(\.id) == ["a": second.id, "b": done.id])
        #expect(try await store.pendingRows().map(\.id) == [second.id])
        var changed = files
        changed.size = 9
        let (fresh, needed) = try await store.intakeConcerns(["a": files, "b": files, "c": files, "d": changed])
        #expect(fresh.sorted() == ["c", "d"])
        #expect(needed == ["a"], "a pending row always; a delivered one only when its files change")
        #expect(try await store.intakeConcerns(["b": changed]).needed == ["b"])
        #expect(try await store.lastFullRescan() == nil)
        try await store.setLastFullRescan(now)
        #expect(try await store.lastFullRescan() == now)
        #expect(try await !store.hasBackfillCutoff())
        #expect(try await store.backfillCutoff(.none, now: now) == now)
        #expect(try await store.backfillCutoff(.all, now: now.addingTimeInterval(9)) == now, "fixed on the first start")
    }

    /// Small facts, Gong's users, the content-check tally and pruning.
    @Test(arguments: StoreBackend.allCases)
    func factsUsersAndPruning(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await backend.makeStore(in: dir)
        let now = Date(timeIntervalSince1970: 1_764_000_000)
        try await store.setMeta(.sendingHalted, "x")
        #expect(try await store.meta(.sendingHalted) == "x")
        try await store.setMeta(.sendingHalted, nil)
        #expect(try await store.meta(.sendingHalted) == nil)
        let users = [
            DirectoryUser(
                id: "1", emailAddress: "a@x", phoneNumber: "+1", phoneExtension: "10", name: "A", active: true, telephonyCallsImported: false)
        ]
        try await store.replaceGongUsers(users, fetchedAt: now)
        try await store.replaceGongUsers(users, fetchedAt: now)
        #expect(try await store.gongUsers() == users)
        #expect(try await store.gongUsersFetchedAt() == now)
        let short = try await store.insert(stem: "s", .seen(reason: "new"), evidence: Evidence(), now: now)
        try await store.apply(try #require(short.id), .inputSkipped(.mediaTooShort, reason: "5 s"), context: EventContext(now: now))
        #expect(try await store.skippedForContent(day: "2025-11-24") == [.mediaTooShort: 1])
        #expect(try await store.countsByState()[.skipped] == 1)
        let pruned = try await store.prune(finishedBefore: now.addingTimeInterval(1), all: true)
        #expect(pruned.recordings == 1 && pruned.transitions == 2)
        #expect(try await store.find(String(try #require(short.id))) == nil)
    }
}
