import Foundation
import GongSimulator
import GongSpoolCore
import GongSpoolSQLite
import TestSupport
import Testing

/// User mapping from Gong itself: `GET /v2/users` (cursor pages) against the simulator, cached
/// in SQLite; import-disabled users and unknown extensions are held before any call is spent.
@Suite struct UserDirectoryTests {
    static let gongUsers = [
        DirectoryUser(id: "7000000000000000204", emailAddress: "ana@example.com", phoneExtension: "204", name: "Ana Lee"),
        DirectoryUser(id: "7000000000000000205", emailAddress: "bo@example.com", phoneNumber: "+1 (555) 010-2050", name: "Bo Chen"),
        DirectoryUser(
            id: "7000000000000000207", emailAddress: "cy@example.com", phoneExtension: "207", name: "Cy Ode", telephonyCallsImported: false),
        DirectoryUser(id: "7000000000000000208", emailAddress: "di@example.com", phoneExtension: "208"),
        DirectoryUser(id: "7000000000000000209", emailAddress: "ed@example.com", phoneExtension: "209", active: false),
    ]

    @Test func gongsUserListMapsExtensionsAndPhoneNumbersAndHoldsBeforeSpending() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let files = [
            "in-204-5551234567-20261122-101500-1795342500.1.wav",  // extension 204 in Gong
            "out-5559876543-15550102050-20261122-101600-1795342560.2.wav",  // rep by phone number
            "in-207-5551234567-20261122-101700-1795342620.3.wav",  // import disabled
            "in-299-5551234567-20261122-101800-1795342680.4.wav",  // unknown
        ]
        for (index, name) in files.enumerated() {
            try h.spool.write("2026/11/22/" + name, Fixtures.wav(seconds: 1, channels: 2, seed: 40 + index))
        }
        var options = SimulatorOptions()
        options.users = Self.gongUsers
        options.usersPageSize = 2
        options.requestsPerSecond = 0
        let snapshot = try await h.drain(options) { config in
            config.spool.systemId = "pbx-a"
            config.spool.timeZone = "America/Chicago"
            config.metadata.preset = .freepbx
            config.users.fromGong = true
        }
        let userRequests = snapshot.requests.filter { $0.path == "/v2/users" }
        #expect(userRequests.map(\.status) == [200, 200, 200], "5 users in pages of 2")
        #expect(snapshot.invalidRequests == 0)
        #expect(
            snapshot.requests.filter { $0.method == "POST" }.count == 2,
            "held recordings cost no request: \(snapshot.requests.map { "\($0.method) \($0.status)" }) \(snapshot.calls.values.map(\.body))")
        let bodies = snapshot.calls.values.map { (try? JSONValue.parse(Data($0.body.utf8))) ?? .null }
        let byUser = Dictionary(uniqueKeysWithValues: bodies.compactMap { body in body["primaryUser"]?.stringValue.map { ($0, body) } })
        let ana = try #require(byUser["7000000000000000204"])
        #expect(ana["clientUniqueId"] == .string("pbx-a:1795342500.1"))
        #expect(ana["actualStart"] == .string("2026-11-22T16:15:00Z"), "Chicago is UTC-6 in November")
        #expect(ana["parties"]?.arrayValue?.first?["emailAddress"] == .string("ana@example.com"))
        #expect(ana["parties"]?.arrayValue?.first?["name"] == .string("Ana Lee"))
        #expect(ana["parties"]?.arrayValue?.first?["mediaChannelId"] == .integer(0))
        let bo = try #require(byUser["7000000000000000205"])
        #expect(bo["direction"] == .string("Outbound"))
        #expect(snapshot.callsWithoutMedia.isEmpty)

        let store = try SQLiteStateStore.open(path: h.database)
        defer { try? store.close() }
        let rows = try await store.recordings()
        let disabled = try #require(rows.first { $0.stem.contains("-207-") })
        #expect(disabled.state == .held)
        #expect(disabled.lastErrorCode == .userImportDisabled)
        #expect(disabled.reason?.contains("telephony call import") == true)
        let unknown = try #require(rows.first { $0.stem.contains("-299-") })
        #expect(unknown.state == .held)
        #expect(unknown.reason?.contains("no Gong user for extension 299") == true, "\(unknown.reason ?? "")")
        #expect(try await store.gongUsers().count == 5, "cached in SQLite")
    }

    @Test func theSimulatorRefusesUsersGongWouldRefuse() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("a", id: "pbx:a", user: "7000000000000000207", audio: Fixtures.wav(seed: 50))
        try h.spool.writeRecording("b", id: "pbx:b", user: "7000000000000000999", audio: Fixtures.wav(seed: 51))
        var options = SimulatorOptions()
        options.users = Self.gongUsers
        let snapshot = try await h.drain(options)
        let posts = snapshot.requests.filter { $0.method == "POST" }.map(\.status).sorted()
        #expect(posts == [400, 409], "unknown primary user → 400, import disabled → 409")
        #expect(snapshot.calls.isEmpty)
    }
}
