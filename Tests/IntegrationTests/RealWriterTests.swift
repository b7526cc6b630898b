import Foundation
import GongSimulator
import GongSpoolCore
import GongSpoolDaemon
import GongSpoolSQLite
import TestSupport
import Testing

/// Files written progressively while the real daemon polls: nothing is sent before the writer
/// has finished, and what is sent is the final file.
@Suite struct RealWriterTests {
    /// Appends `chunks` pieces with `pause` between them, like a PBX recording in real time;
    /// for WAV, the header sizes stay 0 until the end (as Asterisk does), then are patched.
    /// The writer runs on a thread of its own, as a PBX is a process of its own: the test
    /// process's busy task pool must not stretch its pauses past the settle time. Returns the
    /// longest time between two writes and when the last write ended, as they happened.
    func write(_ path: String, final: Data, chunks: Int, pause: Duration, patchWAVHeader: Bool) async throws -> (
        longestGap: TimeInterval, finished: Date
    ) {
        let pauseSeconds = Double(pause.components.seconds) + Double(pause.components.attoseconds) / 1e18
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do {
                    continuation.resume(
                        returning: try Self.writeBlocking(path, final: final, chunks: chunks, pause: pauseSeconds, patchWAVHeader: patchWAVHeader))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }

    static func writeBlocking(_ path: String, final: Data, chunks: Int, pause: TimeInterval, patchWAVHeader: Bool) throws -> (
        longestGap: TimeInterval, finished: Date
    ) {
        let headerLength = patchWAVHeader ? 44 : 0
        var initial = final.prefix(headerLength)
        if patchWAVHeader {
            initial.replaceSubrange(4..<8, with: Data(count: 4))
            initial.replaceSubrange(40..<44, with: Data(count: 4))
        }
        _ = FileManager.default.createFile(atPath: path, contents: initial)
        var lastWrite = Date()
        var longestGap: TimeInterval = 0
        func wrote() {
            longestGap = max(longestGap, Date().timeIntervalSince(lastWrite))
            lastWrite = Date()
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let body = final.dropFirst(headerLength)
        let step = (body.count + chunks - 1) / chunks
        var offset = body.startIndex
        while offset < body.endIndex {
            Thread.sleep(forTimeInterval: pause)
            let end = min(offset + step, body.endIndex)
            try handle.seekToEnd()
            try handle.write(contentsOf: body[offset..<end])
            wrote()
            offset = end
        }
        if patchWAVHeader {
            try handle.seek(toOffset: 0)
            try handle.write(contentsOf: final.prefix(headerLength))
            wrote()
        }
        try handle.close()
        return (longestGap, Date())
    }

    /// Starts the real daemon polling every 0.1 s with a 2 s settle time.
    func startDaemon(_ h: DeliveryHarness, _ sim: GongSimulator) throws -> Process {
        let config = try h.work.write(
            "c.yaml",
            text: """
                spool:
                  directory: \(h.spool.path)
                  settleSeconds: \(Self.settleSeconds)
                  pollIntervalSeconds: 0.1
                  minDurationSeconds: 0
                gong:
                  baseURL: \(sim.baseURL)
                state:
                  database: \(h.database)
                metrics:
                  listen: ""
                """)
        return try Binary.start(["run", "--config", config], environment: DeliveryHarness.environment(), log: h.work.file("daemon.log"))
    }

    static let settleSeconds: TimeInterval = 2

    /// MP3 pauses (0.3 s) are longer than a poll (0.1 s) but shorter than the settle time (2 s);
    /// WAV pauses (2.3 s) are longer than the settle time: only the unfinished header holds it back.
    @Test(arguments: [("wav", 2300), ("mp3", 300)])
    func slowWriterIsNotUploadedBeforeItFinishes(_ ext: String, _ pauseMilliseconds: Int) async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let final = ext == "wav" ? Fixtures.wav(seconds: 4, seed: 71) : Fixtures.mp3(bytes: 200_000, seed: 71)
        try h.spool.write("live.json", Fixtures.sidecarData(id: "pbx:live-\(ext)"))
        let (snapshot, finished) = try await GongSimulator.withRunning { sim in
            let daemon = try startDaemon(h, sim)
            let (longestGap, finished) = try await write(
                h.spool.file("live.\(ext)"), final: final, chunks: 4, pause: .milliseconds(pauseMilliseconds), patchWAVHeader: ext == "wav")
            if ext == "mp3" {
                // What the test rests on: the writer never paused as long as the settle time.
                #expect(longestGap < Self.settleSeconds, "the writer paused \(longestGap) s: the machine is too busy for this test")
            }
            let store = try SQLiteStateStore.open(path: h.database)
            for _ in 0..<600 where try await store.find("pbx:live-\(ext)")?.state != .done {
                try await Task.sleep(for: .milliseconds(50))
            }
            kill(daemon.processIdentifier, SIGTERM)
            await Binary.waitForExit(daemon)
            if try await store.find("pbx:live-\(ext)")?.state != .done {
                Issue.record("not delivered; the daemon's log:\n\((try? String(contentsOfFile: h.work.file("daemon.log"), encoding: .utf8)) ?? "")")
            }
            return (await sim.state.snapshot(), finished)
        }
        let first = try #require(snapshot.requests.first)
        #expect(first.at > finished, "a request started \(finished.timeIntervalSince(first.at)) s before the writer finished")
        #expect(snapshot.calls.count == 1)
        #expect(snapshot.calls.values.first?.mediaSHA256 == Crypto.sha256Hex(final))
        #expect(snapshot.calls.values.first?.mediaSize == Int64(final.count))
    }

    /// The ffmpeg binary: on PATH, or the one `pip install imageio-ffmpeg` ships (`.ci/run` installs it).
    static func ffmpeg() async throws -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/ffmpeg"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        let found = try await PythonRunner.run("import imageio_ffmpeg; print(imageio_ffmpeg.get_ffmpeg_exe())", arguments: [])
        let path = found.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return found.status == 0 && FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// A real program writing in real time: `ffmpeg -re` copies a 6 s recording into the spool
    /// at its natural pace (buffered writes, header patched at the end).
    @Test func ffmpegWritingInRealTimeIsTakenOnlyWhenFinished() async throws {
        guard let ffmpeg = try await Self.ffmpeg() else {
            Issue.record("ffmpeg not found: install it, or `pip install imageio-ffmpeg` (.ci/run does)")
            return
        }
        let h = try DeliveryHarness()
        defer { h.remove() }
        // 48 kHz stereo: ffmpeg flushes every ~170 ms with 0xFFFFFFFF placeholder sizes in the header.
        let source = try h.work.write("source.wav", Fixtures.wav(seconds: 6, channels: 2, sampleRate: 48_000, seed: 72))
        try h.spool.write("ff.json", Fixtures.sidecarData(id: "pbx:ffmpeg"))
        let (snapshot, finished) = try await GongSimulator.withRunning { sim in
            let daemon = try startDaemon(h, sim)
            let writer = Process()
            writer.executableURL = URL(fileURLWithPath: ffmpeg)
            writer.arguments = ["-nostdin", "-loglevel", "error", "-re", "-i", source, "-c:a", "pcm_s16le", h.spool.file("ff.wav")]
            try writer.run()
            await Binary.waitForExit(writer)
            let finished = Date()
            #expect(writer.terminationStatus == 0)
            let store = try SQLiteStateStore.open(path: h.database)
            for _ in 0..<200 where try await store.find("pbx:ffmpeg")?.state != .done {
                try await Task.sleep(for: .milliseconds(50))
            }
            kill(daemon.processIdentifier, SIGTERM)
            await Binary.waitForExit(daemon)
            return (await sim.state.snapshot(), finished)
        }
        let final = try Data(contentsOf: URL(fileURLWithPath: h.spool.file("ff.wav")))
        let first = try #require(snapshot.requests.first)
        #expect(first.at > finished, "a request started \(finished.timeIntervalSince(first.at)) s before ffmpeg finished")
        #expect(snapshot.calls.count == 1)
        #expect(snapshot.calls.values.first?.mediaSHA256 == Crypto.sha256Hex(final))
        #expect(snapshot.calls.values.first?.mediaSize == Int64(final.count))
    }
}
