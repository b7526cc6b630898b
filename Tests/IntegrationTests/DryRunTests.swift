import Foundation
import GongSpoolCore
import GongSpoolDaemon
import TestSupport
import Testing

@Suite struct DryRunTests {
    @Test func dryRunReportsAndSendsNothing() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("a", id: "pbx:dry", audio: Fixtures.wav(seed: 31))
        try h.spool.write("b.wav", Fixtures.wav(seed: 32))
        try h.spool.write("b.json", text: "{")
        // Nothing listens on this port: any request would fail the run.
        let config = try h.work.write(
            "c.yaml",
            text: """
                spool:
                  directory: \(h.spool.path)
                  minDurationSeconds: 0
                gong:
                  baseURL: http://127.0.0.1:9
                state:
                  database: \(h.database)
                """)
        let status = try await Binary.run(["run", "--dry-run", "--config", config], log: h.work.file("out"))
        let out = try String(contentsOfFile: h.work.file("out"), encoding: .utf8)
        #expect(status == 0, "\(out)")
        #expect(out.contains("1 of 2 recordings would be sent"))
        #expect(out.contains("\"clientUniqueId\":\"pbx:dry\""))
        #expect(out.contains("b.json: $: not valid JSON"))
        #expect(!FileManager.default.fileExists(atPath: h.database))
    }
}
