import Foundation
import TestSupport
import Testing

@testable import GongSpoolCore

/// `gongspool list` streams: a page at a time, the same text as the listing of every row at once.
@Suite struct RecordingListingTests {
    /// Runs `body` on a fresh store of `backend` with seven rows: r0…r6, the odd ones rejected, r5
    /// changed an hour after the others (`now`); `all` is every row, oldest first.
    func withSevenRows(_ backend: RoleBackend, _ body: (_ store: any CoreRoles, _ now: Date, _ all: [Recording]) async throws -> Void)
        async throws
    {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try await backend.makeStore(in: dir)
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        for i in 0..<7 {
            let row = try await store.insert(stem: "r\(i)", .seen(reason: "new"), evidence: Evidence(), now: now)
            let id = try #require(row.id)
            guard i % 2 == 1 else { continue }
            let at = i == 5 ? now.addingTimeInterval(3600) : now
            try await store.apply(id, .inputRejected(.invalidRequest, reason: "bad \(i)"), context: EventContext(now: at))
        }
        try await body(store, now, try await store.recordings())
    }

    func listed(_ writer: RecordingListingWriter, _ store: any CoreRoles, pageSize: Int) async throws -> (text: String, count: Int) {
        var text = ""
        let count = try await writer.write(from: store, pageSize: pageSize) { text += $0 }
        return (text, count)
    }

    @Test(arguments: RoleBackend.allCases)
    func pagesGiveTheSameListingAsAllRowsAtOnce(_ backend: RoleBackend) async throws {
        try await withSevenRows(backend) { store, _, all in
            let json = try await listed(RecordingListingWriter(halted: "x", format: .json), store, pageSize: 2)
            #expect(json.count == 7)
            #expect(json.text == RecordingListing.json(all, halted: "x") + "\n")
            let table = try await listed(RecordingListingWriter(format: .table), store, pageSize: 3)
            #expect(table.text == RecordingListing.table(all) + "\n")
            #expect(table.text.split(separator: "\n").count == 8)

            let rejected = try await listed(RecordingListingWriter(states: [.rejected], format: .table), store, pageSize: 1)
            #expect(rejected.count == 3)
            #expect(rejected.text == RecordingListing.table(all.filter { $0.state == .rejected }) + "\n")

            let empty = try await listed(RecordingListingWriter(states: [.done], format: .json), store, pageSize: 2)
            #expect(empty.count == 0 && empty.text == "[]\n")
            #expect(try JSONValue.parse(Data(empty.text.utf8)) == .array([]))
        }
    }

    @Test(arguments: RoleBackend.allCases)
    func theNewestFirstWithAndWithoutATimeFilter(_ backend: RoleBackend) async throws {
        try await withSevenRows(backend) { store, now, all in
            let newest = try await listed(RecordingListingWriter(newest: 2, format: .table), store, pageSize: 2)
            #expect(newest.text == RecordingListing.table(Array(all.suffix(2).reversed())) + "\n")
            // Changed since half an hour later: only r5; the walk keeps the newest two that match.
            let later = RecordingListingWriter(changedSince: now.addingTimeInterval(1800), newest: 2, format: .json)
            let changed = try await listed(later, store, pageSize: 1)
            #expect(changed.count == 1 && changed.text == RecordingListing.json(all.filter { $0.stem == "r5" }) + "\n")
            let everyOne = try await listed(RecordingListingWriter(changedSince: now, newest: 3, format: .table), store, pageSize: 2)
            #expect(everyOne.text == RecordingListing.table(Array(all.suffix(3).reversed())) + "\n")
        }
    }

    /// An id that became longer after the table was measured is printed whole, not cut.
    @Test func idsAreNeverCut() {
        var widths = RecordingListing.Widths()
        var row = Recording(stem: "a", now: Date(timeIntervalSince1970: 0))
        row.id = 1
        widths.measure(row)
        row.clientUniqueId = String(repeating: "7", count: 40)
        let line = RecordingListing.line(row, widths, halted: nil)
        #expect(line.contains(String(repeating: "7", count: 40) + " "))
        #expect(!line.contains("…"))
    }
}
