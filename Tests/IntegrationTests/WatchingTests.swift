import Foundation
import GongSimulator
import GongSpoolCore
import TestSupport
import Testing

/// Watching long work (issue 23), through the real daemon: progress lines while a first start's
/// backlog is examined and delivered, the line when it is finished, systemd's `STATUS=` during
/// intake, `status` naming the daemon, `status --watch` on a terminal and off one, `list --limit`.
@Suite struct WatchingTests {
    @Test func aFirstStartsBacklogIsFollowedUntilItIsFinished() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let hashes = try h.addBacklog(count: 12, prefix: "first")
        let notifySocket = h.work.file("notify")
        let notifyFD = try NotifySocket.listen(notifySocket)
        defer { close(notifyFD) }
        let log = h.work.file("daemon.log")
        let (snapshot, notes) = try await GongSimulator.withRunning { sim in
            // Files settle for 5 s (intake has a backlog that long); Gong takes 6 requests a second.
            let config = try h.writeConfig(
                sim, spool: ["settleSeconds: 5", "backfill: all"], gong: ["requestsPerSecond: 6"], extra: "log:\n  progressSeconds: 1\n")
            let cli = OperatorCLI(h, config: config)
            let env = DeliveryHarness.environment().merging(["NOTIFY_SOCKET": notifySocket]) { $1 }
            let daemon = try Binary.start(["run", "--config", config], environment: env, log: log)
            defer { kill(daemon.processIdentifier, SIGKILL) }
            // The daemon says it runs once it holds the state (a moment after its start).
            var running = try await cli.run(["status", "--config", config])
            for _ in 0..<300 where !running.output.contains("daemon:               running") {
                try await Task.sleep(for: .milliseconds(100))
                running = try await cli.run(["status", "--config", config])
            }
            #expect(running.output.contains("daemon:               running, PID \(daemon.processIdentifier) since "), "\(running.output)")
            // Read as systemd would, while it runs (the daemon drops what does not fit, never waits).
            var notes = NotifySocket.drain(notifyFD)
            for id in hashes.keys.sorted() {
                _ = try await cli.waitFor(id, "done", seconds: 60)
                notes += NotifySocket.drain(notifyFD)
            }
            // The finished line comes at the next beat after the last delivery.
            for _ in 0..<100 where !((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("delivery finished") {
                try await Task.sleep(for: .milliseconds(100))
            }
            let newest = try await cli.run(["list", "--config", config, "--limit", "3"])
            let rows = newest.output.split(separator: "\n").dropFirst()
            #expect(rows.count == 3, "\(newest.output)")
            #expect(rows.allSatisfy { $0.contains("first:") && $0.contains("done") }, "whole ids: \(newest.output)")
            kill(daemon.processIdentifier, SIGTERM)
            await Binary.waitForExit(daemon)
            let stopped = try await cli.run(["status", "--config", config])
            #expect(stopped.output.contains("daemon:               not running on this state"), "\(stopped.output)")
            #expect(!stopped.output.contains("about "), "no drain estimate without a daemon: \(stopped.output)")
            return (await sim.state.snapshot(), notes + NotifySocket.drain(notifyFD))
        }
        #expect(snapshot.exactlyOnceProblems(hashes).isEmpty)
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(text.range(of: #"intake: \d+ of 12 recordings examined"#, options: .regularExpression) != nil, "\(text)")
        #expect(text.contains("intake finished: 12 recordings examined in "), "\(text)")
        #expect(text.range(of: #"delivered \d+ of 12, \d+ to go, about "#, options: .regularExpression) != nil, "\(text)")
        #expect(text.contains("delivery finished: 12 delivered in "), "\(text)")
        #expect(text.components(separatedBy: "delivery finished").count == 2, "one finished line")
        #expect(notes.contains { $0.range(of: #"STATUS=intake: \d+ of 12 examined; "#, options: .regularExpression) != nil }, "\(notes)")
        #expect(notes.contains { $0.contains("STATUS=") && $0.contains(" to go") }, "an estimate in STATUS=: \(notes)")
    }

    @Test func statusWatchRedrawsOnATerminalAndPrintsLinesOffOne() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        _ = try h.addBacklog(count: 2, prefix: "watch")
        try await GongSimulator.withRunning { sim in
            let cli = OperatorCLI(h, config: try h.writeConfig(sim))
            #expect(try await cli.once().status == 0)
            // On a terminal (script(1) gives the command a pty): each refresh homes and clears.
            let command = "\(Binary.path) status --watch --interval 0.2 --count 3 --config \(cli.config)"
            let screen = try await cli.tool("/usr/bin/script", ["-qefc", command, "/dev/null"])
            #expect(screen.status == 0, "\(screen.output)")
            let frames = screen.output.components(separatedBy: "\u{1B}[H\u{1B}[2J").dropFirst()
            #expect(frames.count == 3, "\(screen.output)")
            #expect(frames.allSatisfy { $0.contains("STATE       COUNT") && $0.contains("done        2") }, "\(screen.output)")
            #expect(frames.last?.contains("Ctrl-C to stop") == true)
            // Into a file: one plain line per refresh.
            let plain = try await cli.run(["status", "--config", cli.config, "--watch", "--interval", "0.2", "--count", "2"])
            let lines = plain.output.split(separator: "\n")
            #expect(plain.status == 0 && lines.count == 2, "\(plain.output)")
            #expect(
                lines.allSatisfy { $0.range(of: #"; done 2; requests today \d+ of \d+; no daemon running$"#, options: .regularExpression) != nil },
                "\(plain.output)")
            #expect(!plain.output.contains("\u{1B}"))
        }
    }
}
