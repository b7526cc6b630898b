import ArgumentParser
import AsyncHTTPClient
import Foundation
import GongSimulator
import GongSpoolCore
import GongSpoolDaemon
import GongSpoolHTTP
import Logging

/// `gongspool demo`: the whole pipeline on generated recordings against the simulator.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Zero set-up demonstration: a simulator, a spool of sample recordings, one full delivery run."
    )

    @Option(help: "Where to put the demo spool and state (default: a new temporary directory).")
    var directory: String?

    func run() async throws {
        let base = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("gongspool-demo-\(UUID().uuidString.prefix(8))").path
        let spool = base + "/spool"
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        let samples = try DemoSpool.fill(spool)
        print("Demo spool: \(spool) (\(samples) recordings)")
        var options = SimulatorOptions()
        options.disabledUsers = [DemoSpool.disabledUser]
        let credentials = Credentials(accessKey: options.accessKey, accessKeySecret: options.accessKeySecret, source: "demo")
        let configPath = base + "/gongspool.yaml"
        let summary = try await GongSimulator.withRunning(options: options) { simulator in
            print("Gong simulator: \(simulator.baseURL)")
            var config = Configuration()
            config.spool.directory = spool
            config.spool.recursive = true
            config.spool.settleSeconds = 0.2
            config.spool.pollIntervalSeconds = 0.2
            config.spool.afterUpload = .archive
            config.spool.archiveDirectory = base + "/archive"
            config.gong.baseURL = simulator.baseURL
            config.retry.initialBackoffSeconds = 0.5
            config.retry.maxBackoffSeconds = 2
            config.state.database = base + "/state.sqlite"
            config.defaults = .object(["languageCode": .string("en-US")])
            // The configuration the demo runs with, for the commands printed at the end.
            try Data((config.effectiveYAML + "\n").utf8).write(to: URL(fileURLWithPath: configPath))
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: GongClient.httpConfiguration(config.gong))
            var logger = Logger(label: "gongspool-demo")
            logger.logLevel = .warning
            let daemon = try Daemon(config: config, credentials: credentials, http: http, logger: logger)
            let started = Date()
            let result = try await daemon.runOnce()
            try await http.shutdown()
            let rows = try await daemon.store.recordings()
            let snapshot = await simulator.state.snapshot()
            return (rows, snapshot, result, Date().timeIntervalSince(started))
        }
        let (rows, snapshot, result, seconds) = summary
        print("")
        print(RecordingListing.table(rows))
        print("")
        print("Run finished in \(String(format: "%.1f", seconds)) s (\(result == .drained ? "queue drained" : "halted")).")
        let accepted = snapshot.requests.filter { (200..<300).contains($0.status) }.count
        let refused = Dictionary(grouping: snapshot.requests.filter { !(200..<300).contains($0.status) }, by: \.status)
            .sorted { $0.key < $1.key }.map { "\($0.value.count) answered \($0.key)\(Self.meaning($0.key))" }
        print(
            "Gong received \(snapshot.requests.count) requests: \(accepted) accepted\(refused.map { ", " + $0 }.joined()). "
                + "\(snapshot.calls.count) calls created, \(snapshot.calls.values.filter { $0.mediaSHA256 != nil }.count) with media. "
                + "The too short and the silent recordings cost no request; the broken sidecar was never sent.")
        print("State database: \(base)/state.sqlite")
        print("Look closer:    gongspool status --config \(configPath)")
        print("                gongspool list --config \(configPath) --json")
        print("Archived files: \(base)/archive")
    }

    /// What a refusal the demo meets means.
    static func meaning(_ status: Int) -> String {
        status == 409 ? " — a primary user Gong may not import calls for, whose recording is held for a person" : ""
    }
}

/// Sample recordings for the demo: several formats, a stereo call with a silent side, one user
/// without telephony import, a call too short and a silent one for Gong, one broken sidecar.
enum DemoSpool {
    static let user = "234599484848423"
    static let disabledUser = "998877665544332211"

    static func fill(_ spool: String) throws -> Int {
        // Gong drops calls under 30 s (spool.minDurationSeconds): the calls meant to arrive are
        // longer; one 10 s call and one silent call show what is not worth Gong's budget.
        let samples: [(String, Data, String, String)] = [
            ("2026/11/22/in-201-0123-1", SampleMedia.wav(seconds: 45, seed: 1), "wav", user),
            ("2026/11/22/out-202-0456-2", SampleMedia.wav(seconds: 40, channels: 2, seed: 2, silent: [1]), "wav", user),
            ("2026/11/22/in-203-0789-3", SampleMedia.mp3(seconds: 35, channels: 1, seed: 3), "mp3", user),
            ("2026/11/22/out-204-0999-4", SampleMedia.flac(bytes: 20_000, seed: 4), "flac", user),
            ("2026/11/22/in-205-0555-5", SampleMedia.wav(seconds: 31, seed: 5), "wav", disabledUser),
            ("2026/11/22/in-207-0222-7", SampleMedia.wav(seconds: 10, seed: 7), "wav", user),
            ("2026/11/22/in-208-0333-8", SampleMedia.wav(seconds: 60, seed: 8, amplitude: 0), "wav", user),
        ]
        for (index, (stem, audio, ext, owner)) in samples.enumerated() {
            let audioPath = spool + "/" + stem + "." + ext
            try FileManager.default.createDirectory(atPath: (audioPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try audio.write(to: URL(fileURLWithPath: audioPath))
            let sidecar = """
                {"clientUniqueId":"demo-pbx:\(index + 1)","actualStart":"2026-11-22T09:0\(index):00Z","direction":"\(index % 2 == 0 ? "Inbound" : "Outbound")",
                 "primaryUser":"\(owner)","title":"Demo call \(index + 1)",
                 "parties":[{"userId":"\(owner)","name":"Rep \(index + 1)"},{"phoneNumber":"+1415555010\(index)","name":"Customer"}]}
                """
            try Data(sidecar.utf8).write(to: URL(fileURLWithPath: spool + "/" + stem + ".json"))
        }
        let broken = spool + "/2026/11/22/in-206-0111-6"
        try SampleMedia.wav(seconds: 1, seed: 6).write(to: URL(fileURLWithPath: broken + ".wav"))
        try Data(#"{"clientUniqueId":6,"actualStart":"2026-11-22 09:06:00","direction":"inbound","primaryUser":"x","parties":[]}"#.utf8)
            .write(to: URL(fileURLWithPath: broken + ".json"))
        return samples.count + 1
    }
}
