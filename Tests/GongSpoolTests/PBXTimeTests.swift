import Foundation
import GongSpoolCore
import Testing

/// Naive PBX timestamps in a configured zone, epoch forms, durations, user and CDR files.
@Suite struct PBXTimeTests {
    let newYork = TimeZone(identifier: "America/New_York")!

    func utc(_ text: String, _ zone: TimeZone) -> String? {
        PBXTime.parse(text, zone: zone).map(ISOTimestamp.format)
    }

    @Test func naiveFormsAreReadInTheZone() {
        for text in ["20261122-101500", "20261122101500", "2026-11-22 10:15:00", "2026-11-22T10:15:00"] {
            #expect(utc(text, newYork) == "2026-11-22T15:15:00Z", "\(text)")
        }
        #expect(utc("2026-07-01 10:00:00", newYork) == "2026-07-01T14:00:00Z")
        #expect(utc("2026-11-22T10:15:00+01:00", newYork) == "2026-11-22T09:15:00Z", "an explicit offset wins")
        #expect(utc("1795342500", newYork) == "2026-11-22T10:15:00Z")
        #expect(utc("1795342500.25", newYork) == "2026-11-22T10:15:00Z")
        #expect(utc("1795342500250", newYork) == "2026-11-22T10:15:00Z")
    }

    @Test func daylightSavingEdgesAreDeterministic() {
        // 2026-11-01 01:30 happens twice in New York: the earlier (EDT, UTC-4) reading is taken.
        #expect(utc("2026-11-01 01:30:00", newYork) == "2026-11-01T05:30:00Z")
        // 2026-03-08 02:30 does not exist in New York; the offset before the gap (EST) is used.
        #expect(utc("2026-03-08 02:30:00", newYork) == "2026-03-08T07:30:00Z")
    }

    @Test func nonsenseIsNotATime() {
        for text in ["", "yesterday", "20261322101500", "20260230101500", "2026-11-22", "12345", "20261122-251500"] {
            #expect(PBXTime.parse(text, zone: newYork) == nil, "\(text)")
        }
    }

    @Test func durations() {
        #expect(PBXTime.duration("93") == 93)
        #expect(PBXTime.duration("93.5") == 93.5)
        #expect(PBXTime.duration("01:02:03") == 3723)
        #expect(PBXTime.duration("-4") == nil)
        #expect(PBXTime.duration("abc") == nil)
    }

    @Test func usersFileLinesAreCheckedOneByOne() throws {
        let entries = try UserFile.parse(
            "identifier,userId\n# comment\n204,7000000000000000204\n\"ana@example.com\", 7000000000000000205\n", path: "u.csv")
        #expect(entries == ["204": "7000000000000000204", "ana@example.com": "7000000000000000205"])
        #expect(throws: UserFile.Failure.self) { try UserFile.parse("204,7000000000000000204\n205,not-a-number\n", path: "u.csv") }
    }
}
