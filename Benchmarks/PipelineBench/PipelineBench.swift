import AsyncHTTPClient
import Foundation
import GRDB
import GongSimulator
import GongSpoolCore
import GongSpoolDaemon
import GongSpoolHTTP
import GongSpoolSQLite
import Logging

/// Pipeline benchmarks, each printing a ratio against a reference measured in the same run:
///
/// - `poll FILES`: one scan of a spool of FILES files vs `find -printf` on the same tree, and the
///   CPU of a steady-state intake poll when every file is already known to the state store;
/// - `e2e RECORDINGS`: recordings per second from spool to `done` against an unthrottled
///   simulator vs a bare client sending the same two requests per recording with no state;
/// - `ratelimit SECONDS`: achieved requests per second against a simulator enforcing 3/s;
/// - `level MINUTES`: the CPU of the level measurement against the plain hash of the same file;
/// - `stores RECORDINGS`: deliveries and claims per second on SQLite and on PostgreSQL.
///
/// Run through `Benchmarks/pipeline.sh` (release build).
@main
enum PipelineBench {
    static func main() async throws {
        let arguments = CommandLine.arguments
        if arguments.count == 5, arguments[1] == "scale-measure" {
            var logger = Logger(label: "bench")
            logger.logLevel = .critical
            try await scaleMeasure(root: arguments[2], empty: arguments[3], database: arguments[4], logger: logger)
            return
        }
        guard arguments.count == 3, let count = Int(arguments[2]) else {
            FileHandle.standardError.write(Data("usage: pipeline-bench poll|e2e|scale|ratelimit|level|stores N\n".utf8))
            exit(64)
        }
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        switch arguments[1] {
        case "poll": try await poll(files: count, logger: logger)
        case "e2e": try await endToEnd(recordings: count, logger: logger)
        case "stores": try await stores(recordings: count, logger: logger)
        case "ratelimit": try await rateLimit(seconds: count, logger: logger)
        case "scale": try await scale(folders: count, logger: logger)
        case "level": try level(minutes: count)
        case "level-daemon": try levelDaemon(recordings: count)
        default: exit(64)
        }
    }

    // MARK: poll

    static func poll(files: Int, logger: Logger) async throws {
        let root = try temporaryDirectory("poll")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folders = max(1, files / 1000)
        let audio = Data(repeating: 0x52, count: 64)
        for i in 0..<files {
            let folder = "\(root)/2026/\(String(format: "%03d", i % folders))"
            if i < folders { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            _ = FileManager.default.createFile(atPath: "\(folder)/rec-\(i).\(i % 2 == 0 ? "wav" : "json")", contents: audio)
        }
        let scanner = SpoolScanner(root: root, recursive: true)
        _ = scanner.scan()
        var scanWall: [Double] = []
        var scanCPU: [Double] = []
        var findWall: [Double] = []
        for _ in 0..<5 {
            let cpu = cpuSeconds()
            let start = Date()
            let result = scanner.scan()
            scanWall.append(Date().timeIntervalSince(start))
            scanCPU.append(cpuSeconds() - cpu)
            precondition(result.entries.count == files)
            findWall.append(try run("/usr/bin/find", [root, "-type", "f", "-printf", "%s %T@ %p\\n"]))
        }
        let scan = median(scanWall)
        let find = median(findWall)
        print(
            String(
                format: "poll files=%d scan %.1f ms (cpu %.1f ms)  find %.1f ms  ratio scan/find %.2f (target <= 1.5)",
                files, scan * 1000, median(scanCPU) * 1000, find * 1000, scan / find))

        // Steady state: every file already recorded (backfill none marks them skipped once).
        let state = try temporaryDirectory("poll-state")
        defer { try? FileManager.default.removeItem(atPath: state) }
        var config = GongSpoolCore.Configuration()
        config.spool.directory = root
        config.spool.recursive = true
        config.spool.backfill = .none
        let store = try SQLiteStateStore.open(path: state + "/state.sqlite")
        let intake = try SpoolIntake(config: config, store: store, clock: SystemWallClock(), logger: logger)
        let cutoff = try await store.backfillCutoff(.none, now: Date().addingTimeInterval(60))
        await intake.setBackfillCutoff(cutoff)
        try await intake.poll()
        var pollWall: [Double] = []
        var pollCPU: [Double] = []
        for _ in 0..<5 {
            let cpu = cpuSeconds()
            let start = Date()
            try await intake.poll()
            pollWall.append(Date().timeIntervalSince(start))
            pollCPU.append(cpuSeconds() - cpu)
        }
        print(
            String(
                format: "poll files=%d steady-state intake poll %.1f ms wall, %.1f ms CPU (%.2f x find); peak RSS %.0f MiB",
                files, median(pollWall) * 1000, median(pollCPU) * 1000, median(pollWall) / find, peakRSSMiB()))
        try store.close()
    }

    // MARK: scale

    /// `folders` dated folders × 1,000 kept recordings (500 audio + 500 sidecars each), every one
    /// already delivered, and 1,000,000 rows in the state store.
    static func scale(folders: Int, logger: Logger) async throws {
        let root = try temporaryDirectory("scale")
        let empty = try temporaryDirectory("scale-empty")
        let state = try temporaryDirectory("scale-state")
        defer {
            for path in [root, empty, state] { try? FileManager.default.removeItem(atPath: path) }
        }
        let body = Data(repeating: 0x52, count: 64)
        for folder in 0..<folders {
            let path = "\(root)/\(2026 - folder / 365)/\(String(format: "%03d", folder % 365))"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            for call in 0..<500 {
                _ = FileManager.default.createFile(atPath: "\(path)/c\(call).wav", contents: body)
                _ = FileManager.default.createFile(atPath: "\(path)/c\(call).json", contents: body)
            }
        }
        // The state: every stem of the tree delivered (fingerprints as on disk), padded to 1M rows.
        let database = state + "/state.sqlite"
        try SQLiteStateStore.open(path: database).close()
        let queue = try DatabaseQueue(path: database)
        let stamp = "2026-01-01 00:00:00.000"
        let entries = SpoolScanner(root: root, recursive: true).scan().entries
        try await queue.write { db in
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO recordings(stem, clientUniqueId, state, audioPath, sidecarPath, size, mtimeNs, inode, sidecarSize, sidecarMtimeNs,
                                           attempts, firstSeenAt, stableSince, createdAt, updatedAt)
                    VALUES (?, ?, 'done', ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)
                    """)
            let sidecars = Dictionary(entries.filter { $0.fileExtension == "json" }.map { ($0.stem, $0) }, uniquingKeysWith: { a, _ in a })
            var rows = 0
            for audio in entries where audio.fileExtension == "wav" {
                let sidecar = sidecars[audio.stem]
                try insert.execute(arguments: [
                    audio.stem, "bench:\(audio.stem)", audio.relativePath, sidecar?.relativePath, audio.size, audio.mtimeNs, audio.inode,
                    sidecar?.size, sidecar?.mtimeNs, stamp, stamp, stamp, stamp,
                ])
                rows += 1
            }
            while rows < 1_000_000 {
                try insert.execute(arguments: [
                    "history/\(rows)", "old:\(rows)", "history/\(rows).wav", "history/\(rows).json", 1000, 0, rows, 100, 0, stamp, stamp, stamp,
                    stamp,
                ])
                rows += 1
            }
        }
        try queue.close()
        // Measured in a fresh process, so memory shows the daemon's intake, not this set-up.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        child.arguments = ["scale-measure", root, empty, database]
        try child.run()
        child.waitUntilExit()
    }

    static func scaleMeasure(root: String, empty: String, database: String, logger: Logger) async throws {
        let findSeconds = try run("/usr/bin/find", [root, "-type", "f", "-printf", "%s %T@ %p\\n"])
        func intake(_ directory: String) throws -> (SpoolIntake, StateStore) {
            var config = GongSpoolCore.Configuration()
            config.spool.directory = directory
            config.spool.recursive = true
            let store = try SQLiteStateStore.open(path: database)
            return (try SpoolIntake(config: config, store: store, clock: SystemWallClock(), logger: logger), store)
        }
        func steady(_ intake: SpoolIntake) async throws -> (cpu: Double, wall: Double) {
            var cpu: [Double] = []
            var wall: [Double] = []
            for _ in 0..<10 {
                try await Task.sleep(for: .milliseconds(100))
                let c = cpuSeconds()
                let start = Date()
                try await intake.poll()
                cpu.append(cpuSeconds() - c)
                wall.append(Date().timeIntervalSince(start))
            }
            return (median(cpu), median(wall))
        }
        let (reference, referenceStore) = try intake(empty)
        try await reference.poll()
        let idle = try await steady(reference)
        try referenceStore.close()

        let (scaled, store) = try intake(root)
        await scaled.requestFullRescan()  // the reference intake shares the database (and its rescan stamp)
        let cpu = cpuSeconds()
        let start = Date()
        let first = try await scaled.poll()
        let fullWall = Date().timeIntervalSince(start)
        let fullCPU = cpuSeconds() - cpu
        if !first.fullRescan || first.becameReady != 0 || first.pending != 0 {
            print("scale: unexpected first poll: full \(first.fullRescan), ready \(first.becameReady), pending \(first.pending)")
        }
        try await Task.sleep(for: .seconds(3))  // let folder mtimes age past the "just modified" window
        let busy = try await steady(scaled)
        print(
            String(
                format: "scale files=%d rows=1000000: full rescan %.2f s wall (%.2f s CPU) vs find %.2f s: ratio %.2f (target <= 1.5)",
                first.filesSeen, fullWall, fullCPU, findSeconds, fullWall / findSeconds))
        print(
            String(
                format: "scale steady-state poll %.2f ms CPU (%.2f ms wall) vs empty spool %.2f ms CPU: ratio %.2f (targets <= 5 ms, <= 2x)",
                busy.cpu * 1000, busy.wall * 1000, idle.cpu * 1000, busy.cpu / max(idle.cpu, 1e-6)))
        print(String(format: "scale RSS after the polls %.0f MiB, peak %.0f MiB (target <= 50 MiB)", residentMiB("VmRSS"), residentMiB("VmHWM")))
        try store.close()
    }

    static func residentMiB(_ field: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
            let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kib / 1024
    }

    // MARK: end to end

    static func endToEnd(recordings: Int, logger: Logger) async throws {
        var options = SimulatorOptions()
        options.requestsPerSecond = 0
        options.dailyLimit = 1_000_000_000
        let spool = try temporaryDirectory("e2e")
        let state = try temporaryDirectory("e2e-state")
        defer {
            try? FileManager.default.removeItem(atPath: spool)
            try? FileManager.default.removeItem(atPath: state)
        }
        for i in 0..<recordings {
            try write(spool, "a/r\(i)", id: "bench:\(i)", seed: i)
        }
        let credentials = Credentials(accessKey: options.accessKey, accessKeySecret: options.accessKeySecret, source: "bench")
        try await GongSimulator.withRunning(options: options) { sim in
            var config = daemonConfiguration(spool: spool, state: state, baseURL: sim.baseURL)
            config.spool.recursive = true
            config.spool.pollIntervalSeconds = 0.05
            config.gong.requestsPerSecond = 1_000_000
            config.gong.dailyRequestLimit = 1_000_000_000
            config.gong.maxConcurrentUploads = 4
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: GongClient.httpConfiguration(config.gong))
            let daemon = try Daemon(config: config, credentials: credentials, http: http, logger: logger)
            let cpu = cpuSeconds()
            let start = Date()
            let result = try await daemon.runOnce()
            let wall = Date().timeIntervalSince(start)
            let used = cpuSeconds() - cpu
            let done = try await daemon.store.recordings(in: [.done]).count
            precondition(result == .drained && done == recordings, "not drained: \(result), \(done) done")

            // Reference: the same two requests per recording from a bare client, no state, no intake.
            let client = GongClient(
                http: http, endpoint: try GongEndpoint(baseURL: sim.baseURL), credentials: credentials, settings: config.gong, logger: logger)
            let refSpool = try temporaryDirectory("e2e-ref")
            defer { try? FileManager.default.removeItem(atPath: refSpool) }
            for i in 0..<recordings { try write(refSpool, "r\(i)", id: "ref:\(i)", seed: recordings + i) }
            let refStart = Date()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        for i in stride(from: worker, to: recordings, by: 4) {
                            let body = String(decoding: try Data(contentsOf: URL(fileURLWithPath: "\(refSpool)/r\(i).json")), as: UTF8.self)
                            guard case .http(200, let answer, _) = await client.createCall(body: body),
                                let callId = try? JSONValue.parse(Data(answer.utf8))["callId"]?.stringValue
                            else { fatalError("create failed") }
                            let file = try SpoolFile(root: refSpool, relativePath: "r\(i).wav")
                            guard case .http(201, _, _) = await client.uploadMedia(callId: callId, file: file, filename: "r\(i).wav", kind: .wav)
                            else { fatalError("upload failed") }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let refWall = Date().timeIntervalSince(refStart)
            print(
                String(
                    format:
                        "e2e recordings=%d GongSpool %.0f rec/s (%.1f ms CPU per recording, simulator included)  bare client %.0f rec/s  ratio %.2f  vs target 200/s: %.2f",
                    recordings, Double(recordings) / wall, used / Double(recordings) * 1000, Double(recordings) / refWall,
                    refWall / wall, Double(recordings) / wall / 200))
            try await http.shutdown()
        }
    }

    // MARK: rate limit

    static func rateLimit(seconds: Int, logger: Logger) async throws {
        var options = SimulatorOptions()
        options.requestsPerSecond = 3
        let spool = try temporaryDirectory("rate")
        let state = try temporaryDirectory("rate-state")
        defer {
            try? FileManager.default.removeItem(atPath: spool)
            try? FileManager.default.removeItem(atPath: state)
        }
        let recordings = seconds * 2 + 20  // more than the limit can take in the window
        for i in 0..<recordings { try write(spool, "r\(i)", id: "rate:\(i)", seed: i) }
        let credentials = Credentials(accessKey: options.accessKey, accessKeySecret: options.accessKeySecret, source: "bench")
        try await GongSimulator.withRunning(options: options) { sim in
            var config = daemonConfiguration(spool: spool, state: state, baseURL: sim.baseURL)
            config.gong.requestsPerSecond = 3
            config.gong.maxConcurrentUploads = 2
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: GongClient.httpConfiguration(config.gong))
            let daemon = try Daemon(config: config, credentials: credentials, http: http, logger: logger)
            let run = Task { try await daemon.runOnce() }
            // Measure from the first request to the end of the window.
            while await sim.state.snapshot().requests.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            let start = Date()
            try await Task.sleep(for: .seconds(seconds))
            let snapshot = await sim.state.snapshot()
            run.cancel()
            _ = try? await run.value
            let window = snapshot.requests.filter { $0.at >= start && $0.at < start.addingTimeInterval(Double(seconds)) }
            let accepted = window.filter { $0.status != 429 }.count
            let limited = snapshot.requests.filter { $0.status == 429 }.count
            let rate = Double(accepted) / Double(seconds)
            print(
                String(
                    format:
                        "ratelimit %d s: %.2f requests/s accepted (limit 3/s) ratio %.3f (target >= 0.95); 429s %d; requests before Retry-After %d",
                    seconds, rate, rate / 3, limited, snapshot.earlyRequests))
            try await http.shutdown()
        }
    }

    // MARK: helpers

    /// A daemon configuration over `spool` with its database in `state`: settle 0, poll 0.1 s,
    /// no duration floor, no metrics endpoint.
    static func daemonConfiguration(spool: String, state: String, baseURL: String) -> GongSpoolCore.Configuration {
        var config = GongSpoolCore.Configuration()
        config.spool.directory = spool
        config.spool.settleSeconds = 0
        config.spool.pollIntervalSeconds = 0.1
        config.spool.minDurationSeconds = 0  // the bench's recordings are 50 ms long
        config.gong.baseURL = baseURL
        config.state.database = state + "/state.sqlite"
        config.metrics.listen = ""
        return config
    }

    static func write(_ root: String, _ stem: String, id: String, seed: Int) throws {
        let path = "\(root)/\(stem)"
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path + ".wav", contents: SampleMedia.wav(seconds: 0.05, seed: seed))
        let sidecar: JSONValue = .object([
            "clientUniqueId": .string(id), "actualStart": .string("2026-11-22T10:00:00Z"), "direction": .string("Inbound"),
            "primaryUser": .string("234599484848423"), "parties": .array([.object(["userId": .string("234599484848423")])]),
        ])
        _ = FileManager.default.createFile(atPath: path + ".json", contents: try sidecar.canonicalData())
    }

    static func temporaryDirectory(_ label: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gongspool-bench-\(label)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func peakRSSMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    static func median(_ values: [Double]) -> Double {
        values.sorted()[values.count / 2]
    }

    /// Runs a program to completion with its output discarded; returns the wall time.
    static func run(_ path: String, _ arguments: [String]) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        let start = Date()
        try process.run()
        process.waitUntilExit()
        return Date().timeIntervalSince(start)
    }
}
