import Foundation
import GongSimulator
import GongSpoolCore
import GongSpoolSQLite
import TestSupport
import Testing

/// Generated malformed sidecars and odd files: the pipeline never crashes, every recording gets
/// a state and a reason, Gong never receives an invalid request, and no file is deleted.
@Suite struct BadInputTests {
    /// Malformation classes.
    static let classes = 20

    /// Seeded mutations of a valid sidecar, covering every malformation class.
    static func malformedSidecar(_ i: Int) -> Data {
        let id = "bad:\(i)"
        let valid = Fixtures.sidecar(id: id)
        guard case .object(var body) = valid else { return Data() }
        switch i % Self.classes {
        case 0: return Data("{\"clientUniqueId\": \"\(id)\", ".utf8)  // truncated JSON
        case 1: body["actualStart"] = nil  // missing required
        case 2: body["parties"] = .string("Rep")  // wrong type
        case 3: body["direction"] = .string(["inbound", "OUT", "", "Internal"][i % 4])  // bad enum
        case 4: body["actualStart"] = .string("2026-11-20 10:00:\(10 + i % 50)")  // naive time
        case 5: body["primaryUser"] = .integer(234_599_484_848_423)  // id as number
        case 6: body["primaryUser"] = .string("\(900 + i)")  // no party for primaryUser
        case 7: return Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D])  // not UTF-8
        case 8: body["title"] = .string(String(repeating: "x", count: 2000 + i))  // title too long
        case 9: body["parties"] = .array([.object(["emailAddress": .string("n/a")])])  // bad email
        case 10: return Data("[\"\(id)\"]".utf8)  // not an object
        case 11: body["unknownField\(i)"] = .bool(true)  // unknown field
        case 12: return Data((String(repeating: "[", count: 5_000 + i) + "1").utf8)  // absurd nesting
        case 13: return Data("{\"clientUniqueId\": \"a\u{0}b\"}".utf8)  // raw control character
        case 14: body["duration"] = .number(-1 - Double(i))  // negative duration
        case 15: return Data()  // empty sidecar
        case 16: body["actualStart"] = .string("2026-02-\(29 + i % 2)T10:00:00Z")  // no such day
        case 17: body["parties"] = .array([])  // no party at all
        case 18: return Data("{\"clientUniqueId\": 1e400}".utf8)  // number out of range
        default: body["clientUniqueId"] = .string("")  // empty id
        }
        return (try? JSONValue.object(body).canonicalData()) ?? Data()
    }

    @Test func everyMalformationIsRejectedAndNothingInvalidIsSent() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let count = ProcessInfo.processInfo.environment["GONGSPOOL_LONG_TESTS"] == "1" ? 5_000 : 1_000
        for i in 0..<count {
            try h.spool.write("bad/\(i)/rec \(i) ü.wav", Fixtures.wav(seconds: 0.05, seed: i))
            try h.spool.write("bad/\(i)/rec \(i) ü.json", Self.malformedSidecar(i))
        }
        // Odd files next to them.
        try h.spool.write("odd/empty.wav", Data())
        try h.spool.write("odd/empty.json", Fixtures.sidecarData(id: "odd:empty"))
        try h.spool.writeRecording("odd/truncated", id: "odd:truncated", audio: Fixtures.wav(seconds: 1, seed: 1).prefix(3000))
        try FileManager.default.createDirectory(atPath: h.spool.file("odd/dir.wav"), withIntermediateDirectories: true)
        try h.spool.writeRecording("odd/new\nline", id: "odd:newline", audio: Fixtures.wav(seconds: 0.1, seed: 77))
        let unreadable = try h.spool.write("odd/locked.wav", Fixtures.wav(seconds: 0.1, seed: 78))
        try h.spool.write("odd/locked.json", Fixtures.sidecarData(id: "odd:locked"))
        chmod(unreadable, 0)
        defer { chmod(unreadable, 0o644) }
        // Symlinks out of the spool are never followed: neither audio nor sidecar.
        let outside = try TemporaryDirectory("outside")
        defer { outside.remove() }
        try outside.writeRecording("secret", id: "odd:escaped", audio: Fixtures.wav(seconds: 0.1, seed: 79))
        try FileManager.default.createSymbolicLink(atPath: h.spool.file("odd/escape.wav"), withDestinationPath: outside.file("secret.wav"))
        try FileManager.default.createSymbolicLink(atPath: h.spool.file("odd/escape.json"), withDestinationPath: outside.file("secret.json"))
        try FileManager.default.createSymbolicLink(atPath: h.spool.file("linkdir"), withDestinationPath: outside.path)
        let before = try FileManager.default.subpathsOfDirectory(atPath: h.spool.path).count
        let snapshot = try await h.drain { $0.spool.orphanAfterMinutes = 0.01 }
        #expect(snapshot.invalidRequests == 0)
        #expect(!snapshot.acceptedCreates.keys.contains("odd:escaped"), "a symlink out of the spool was followed")
        let store = try SQLiteStateStore.open(path: h.database)
        let rows = try await store.recordings()
        let bad = rows.filter { $0.stem.hasPrefix("bad/") }
        #expect(bad.count == count)
        #expect(
            bad.allSatisfy { $0.state == .rejected && ($0.reason?.isEmpty == false) },
            "\(bad.filter { $0.state != .rejected }.map { ($0.stem, $0.state) })")
        // Every class gave its own kind of reason.
        let reasons = Dictionary(grouping: bad) { Int($0.stem.split(separator: "/")[1]).map { $0 % Self.classes } ?? -1 }
        #expect(reasons.count == Self.classes)
        #expect(rows.allSatisfy { $0.reason != nil || $0.state == .done })
        #expect(try await store.find("odd:newline")?.state == .done)
        // Root reads anything: then the "locked" file is simply delivered.
        let locked = rows.first { $0.stem == "odd/locked" }
        if getuid() == 0 { #expect(locked?.state == .done) } else { #expect(locked?.lastErrorCode == .filePermission) }
        #expect(try FileManager.default.subpathsOfDirectory(atPath: h.spool.path).count == before)
    }
}
