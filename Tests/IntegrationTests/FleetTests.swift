import AsyncHTTPClient
import Foundation
import GongSimulator
import GongSpoolCore
import Logging
import NIOCore
import PostgresNIO
import TestSupport
import Testing

@testable import GongSpoolPostgres

/// Real `gongspool run` processes sharing one real PostgreSQL and one strict simulator that
/// enforces Gong's company-wide rate: what a company with several PBXs and an HA pair sees.
@Suite struct FleetTests {
    /// A node's configuration: `spool` read as `spoolName`, the fleet's database, Gong's default rate.
    func config(
        _ work: TemporaryDirectory, node: String, spool: TemporaryDirectory, spoolName: String, database: String,
        simulator: GongSimulator, leaseSeconds: Double, metricsPort: Int? = nil, requestsPerSecond: Double = 3
    ) throws -> String {
        try work.write(
            "\(node).yaml",
            text: """
                spool:
                  directory: \(spool.path)
                  recursive: true
                  settleSeconds: 0.1
                  pollIntervalSeconds: 0.1
                  minDurationSeconds: 0
                gong:
                  baseURL: \(simulator.baseURL)
                  requestsPerSecond: \(requestsPerSecond)
                  maxConcurrentUploads: 2
                  readTimeoutSeconds: 10
                retry:
                  initialBackoffSeconds: 0.5
                  maxBackoffSeconds: 2
                state:
                  database: \(database)
                  node: \(node)
                  spoolName: \(spoolName)
                  leaseSeconds: \(leaseSeconds)
                metrics:
                  listen: "\(metricsPort.map { "127.0.0.1:\($0)" } ?? "")"
                """)
    }

    /// An operator's view of the fleet's database.
    func operatorStore(_ database: String) async throws -> any StateStore {
        var logger = Logger(label: "fleet-test")
        logger.logLevel = .error
        // A test's own look at the database waits as long as a loaded machine needs (the daemons
        // keep their 10 s).
        return try await PostgresStateStore.open(
            PostgresLocation(url: database), password: nil, role: .operator(spool: nil), logger: logger,
            connectTimeoutSeconds: 120)
    }

    /// Waits (at most `seconds`) until `count` recordings are done.
    func waitUntilDone(_ store: any StateStore, count: Int, seconds: Double) async throws -> Int {
        let deadline = Date().addingTimeInterval(seconds)
        var done = 0
        while Date() < deadline {
            done = try await store.countsByState()[.done] ?? 0
            if done >= count { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        return done
    }

    /// Three nodes — two on one shared spool, one on its own — and Gong's 3 requests/s for the
    /// whole company: no 429, the rate used while the backlog lasts, every call once.
    @Test func threeNodesShareGongsRateWithoutA429() async throws {
        let database = try await PostgresTestServer.shared.createDatabase()
        let work = try TemporaryDirectory()
        let shared = try TemporaryDirectory()
        let own = try TemporaryDirectory()
        defer {
            work.remove()
            shared.remove()
            own.remove()
        }
        let hashes = try shared.addBacklog(count: 9, prefix: "nas").merging(try own.addBacklog(count: 5, prefix: "west", firstSeed: 100)) { $1 }
        var options = SimulatorOptions()
        options.requestsPerSecond = 3
        // 3 arrivals in any 1 s, however spaced. The nodes ask for 2/s: their sends are then at
        // least 0.5 s apart and at most 2 in any 1.06 s, so four arrivals fall inside one second
        // only if one request reaches Gong 0.56 s later than the one sent after it. At 2.7/s that
        // margin was 0.17 s, and a loaded CI machine's scheduling jitter (hundreds of ms between a
        // send and its arrival) made one 429 now and then. At 3 of 3 on a quiet machine the fleet
        // measured 0.94 of the rate with none (docs/fleet.md).
        options.slidingWindow = true
        let expected = hashes.count
        let snapshot = try await GongSimulator.withRunning(options: options) { sim -> SimulatorSnapshot in
            let nodes = [("east-1", shared, "nas"), ("east-2", shared, "nas"), ("west", own, "west-local")]
            var daemons: [Process] = []
            let metricsPort = try QuietPort.free()
            for (name, spool, spoolName) in nodes {
                let file = try config(
                    work, node: name, spool: spool, spoolName: spoolName, database: database, simulator: sim, leaseSeconds: 10,
                    metricsPort: name == "east-1" ? metricsPort : nil, requestsPerSecond: 2)
                daemons.append(
                    try Binary.start(["run", "--config", file], environment: DeliveryHarness.environment(), log: work.file("\(name).log")))
            }
            let store = try await operatorStore(database)
            let done = try await waitUntilDone(store, count: expected, seconds: 60)
            // Every metric of a fleet's node names the node.
            let response = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(metricsPort)/metrics"), timeout: .seconds(5))
            let metrics = String(buffer: try await response.body.collect(upTo: 1 << 20))
            let series = metrics.split(separator: "\n").filter { !$0.hasPrefix("#") }
            #expect(!series.isEmpty && series.allSatisfy { $0.contains("node=\"east-1\"") }, "\(metrics)")
            #expect(metrics.contains("gongspool_fleet_nodes{condition=\"running\",node=\"east-1\"}"), "\(metrics)")
            for daemon in daemons { kill(daemon.processIdentifier, SIGTERM) }
            for daemon in daemons { await Binary.waitForExit(daemon) }
            if done < expected {
                for (name, _, _) in nodes {
                    let log = (try? String(contentsOfFile: work.file("\(name).log"), encoding: .utf8)) ?? ""
                    Issue.record("\(name):\n\(log)")
                }
            }
            let fleet = try await store.fleetStatus(now: Date())
            #expect(fleet?.nodes.map(\.name) == ["east-1", "east-2", "west"])
            #expect(fleet?.nodes.allSatisfy { $0.condition == "stopped" } == true, "each left on SIGTERM")
            // The fleet's budget counts every request Gong saw (a loaded machine may time one
            // out and ask again: more than two per recording, never uncounted).
            let seen = await sim.state.snapshot()
            #expect(fleet?.requestsToday == seen.requests.count, "budget \(fleet?.requestsToday ?? -1), Gong saw \(seen.requests.count)")
            #expect((fleet?.requestsToday ?? 0) >= 2 * expected)
            try store.close()
            return seen
        }
        #expect(
            snapshot.requests.filter { $0.status == 429 }.isEmpty, "\(snapshot.requests.filter { $0.status == 429 }.count) requests refused with 429")
        #expect(snapshot.exactlyOnceProblems(hashes).isEmpty, "\(snapshot.exactlyOnceProblems(hashes))")
        // How much of Gong's rate the fleet used over the backlog depends on how fast the machine
        // is, so it is reported, not asserted (Benchmarks measure it); a 429 above is the failure.
        let times = snapshot.requests.map(\.at).sorted()
        if let first = times.first, let last = times.last, last > first {
            let rate = Double(times.count - 1) / last.timeIntervalSince(first)
            print(
                "fleet: \(String(format: "%.2f", rate)) requests/s of Gong's 3 used while recordings were waiting (ratio \(String(format: "%.2f", rate / 3)) of the company rate; 429s: \(snapshot.requests.filter { $0.status == 429 }.count))"
            )
        }
    }

    /// An HA pair on one spool: one node is SIGKILLed while it delivers; the other finishes its
    /// recordings once their leases run out, and nothing is sent twice or lost.
    @Test func theOtherNodeOfAnHAPairFinishesWhatAKilledNodeHeld() async throws {
        let database = try await PostgresTestServer.shared.createDatabase()
        let work = try TemporaryDirectory()
        let shared = try TemporaryDirectory()
        defer {
            work.remove()
            shared.remove()
        }
        let hashes = try shared.addBacklog(count: 10, prefix: "ha", firstSeed: 200)
        var options = SimulatorOptions()
        options.requestsPerSecond = 3
        options.latencyMilliseconds = 400
        let expected = hashes.count
        let snapshot = try await GongSimulator.withRunning(options: options) { sim -> SimulatorSnapshot in
            let store = try await operatorStore(database)
            var daemons: [String: Process] = [:]
            for name in ["primary", "standby"] {
                let file = try config(work, node: name, spool: shared, spoolName: "nas", database: database, simulator: sim, leaseSeconds: 3)
                daemons[name] = try Binary.start(
                    ["run", "--config", file], environment: DeliveryHarness.environment(), log: work.file("\(name).log"))
            }
            // Kill the primary while it holds recordings in flight.
            let deadline = Date().addingTimeInterval(30)
            var killedHolding = 0
            while Date() < deadline {
                let primary = try await store.fleetStatus(now: Date())?.nodes.first { $0.name == "primary" }
                if let primary, primary.leases > 0, try await store.countsByState()[.done] ?? 0 >= 1 {
                    killedHolding = primary.leases
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            if let primary = daemons["primary"] {
                kill(primary.processIdentifier, SIGKILL)
                await Binary.waitForExit(primary)
            }
            #expect(killedHolding > 0, "the primary was killed holding leases")
            let done = try await waitUntilDone(store, count: expected, seconds: 60)
            let fleet = try await store.fleetStatus(now: Date())
            if let standby = daemons["standby"] {
                kill(standby.processIdentifier, SIGTERM)
                await Binary.waitForExit(standby)
            }
            #expect(done == expected, "the standby finished everything")
            if done < expected {
                let log = (try? String(contentsOfFile: work.file("standby.log"), encoding: .utf8)) ?? ""
                Issue.record("standby:\n\(log)")
            }
            #expect(fleet?.nodes.first { $0.name == "primary" }?.stoppedAt == nil, "the primary never said goodbye")
            try store.close()
            return await sim.state.snapshot()
        }
        #expect(snapshot.exactlyOnceProblems(hashes).isEmpty, "\(snapshot.exactlyOnceProblems(hashes))")
    }

    /// PostgreSQL unreachable at start: the node says so and exits 75 (systemd restarts it);
    /// nothing is sent without a reservation.
    @Test func aNodeThatCannotReachTheDatabaseSendsNothingAndExits75() async throws {
        let work = try TemporaryDirectory()
        let spool = try TemporaryDirectory()
        defer {
            work.remove()
            spool.remove()
        }
        try spool.writeRecording("u", id: "pbx:unreachable", audio: Fixtures.wav(seed: 700))
        let snapshot = try await GongSimulator.withRunning { sim -> SimulatorSnapshot in
            // A port nothing listens on.
            let file = try config(
                work, node: "lonely", spool: spool, spoolName: "lonely", database: "postgresql://gs@127.0.0.1:1/gongspool",
                simulator: sim, leaseSeconds: 5)
            let daemon = try Binary.start(["run", "--config", file], environment: DeliveryHarness.environment(), log: work.file("lonely.log"))
            await Binary.waitForExit(daemon)
            let log = (try? String(contentsOfFile: work.file("lonely.log"), encoding: .utf8)) ?? ""
            #expect(daemon.terminationStatus == 75, "\(log)")
            #expect(log.contains("postgresql://gs@127.0.0.1:1/gongspool"), "\(log)")
            return await sim.state.snapshot()
        }
        #expect(snapshot.requests.isEmpty)
        #expect(FileManager.default.fileExists(atPath: spool.file("u.wav")))
    }

    /// PostgreSQL going away under a running node: the node keeps running, sends nothing the
    /// fleet's budget did not count first, and when the database is back finishes every
    /// recording once.
    @Test func aNodeRidesOutPostgreSQLGoingAwayAndFinishesWhenItIsBack() async throws {
        let cluster = try PostgresCluster.create()
        defer { cluster.remove() }
        try cluster.start()
        let database = try cluster.createDatabase("outage")
        let work = try TemporaryDirectory()
        let spool = try TemporaryDirectory()
        defer {
            work.remove()
            spool.remove()
        }
        let hashes = try spool.addBacklog(count: 8, prefix: "outage", firstSeed: 300)
        let expected = hashes.count
        var options = SimulatorOptions()
        options.requestsPerSecond = 3
        let (snapshot, counted) = try await GongSimulator.withRunning(options: options) { sim -> (SimulatorSnapshot, Int) in
            let file = try config(work, node: "solo", spool: spool, spoolName: "solo", database: database, simulator: sim, leaseSeconds: 3)
            let daemon = try Binary.start(["run", "--config", file], environment: DeliveryHarness.environment(), log: work.file("solo.log"))
            defer { kill(daemon.processIdentifier, SIGKILL) }
            let store = try await operatorStore(database)
            _ = try await waitUntilDone(store, count: 2, seconds: 30)
            try store.close()
            try cluster.stop()
            try await Task.sleep(for: .seconds(4))
            #expect(daemon.isRunning, "the node outlives its database's absence")
            try cluster.start()
            let back = try await operatorStore(database)
            let done = try await waitUntilDone(back, count: expected, seconds: 60)
            kill(daemon.processIdentifier, SIGTERM)
            await Binary.waitForExit(daemon)
            let log = (try? String(contentsOfFile: work.file("solo.log"), encoding: .utf8)) ?? ""
            #expect(done == expected, "\(log)")
            let counted = try await back.dailyUsage(day: ISOTimestamp.utcDay(Date()))
            try back.close()
            return (await sim.state.snapshot(), counted)
        }
        #expect(snapshot.exactlyOnceProblems(hashes).isEmpty, "\(snapshot.exactlyOnceProblems(hashes))")
        #expect(
            counted >= snapshot.requests.count,
            "every request Gong saw was counted in the fleet's budget first: \(counted) counted, \(snapshot.requests.count) sent")
    }

    /// A SIGHUP restarts the pipeline with the new configuration: the generation it replaces
    /// closes its PostgreSQL client, so reloads do not pile up connections on the fleet's server.
    @Test func aReloadClosesThePostgreSQLClientItReplaces() async throws {
        let database = try await PostgresTestServer.shared.createDatabase()
        let work = try TemporaryDirectory()
        let spool = try TemporaryDirectory()
        defer {
            work.remove()
            spool.remove()
        }
        let socket = work.file("notify")
        let fd = try NotifySocket.listen(socket)
        defer { close(fd) }
        var logger = Logger(label: "fleet-test")
        logger.logLevel = .error
        let server = try await PostgresStateStore.open(
            PostgresLocation(url: database), password: nil, role: .operator(spool: nil), logger: logger,
            connectTimeoutSeconds: 120)
        defer { try? server.close() }
        try await GongSimulator.withRunning { sim in
            let file = try config(work, node: "reloaded", spool: spool, spoolName: "reloaded", database: database, simulator: sim, leaseSeconds: 10)
            let environment = DeliveryHarness.environment().merging(["NOTIFY_SOCKET": socket]) { $1 }
            let daemon = try Binary.start(["run", "--config", file], environment: environment, log: work.file("reloaded.log"))
            defer { kill(daemon.processIdentifier, SIGKILL) }
            var heard: [String] = []
            func readies() -> Int {
                heard += NotifySocket.drain(fd)
                return heard.filter { $0.hasPrefix("READY=1") }.count
            }
            #expect(try await OperatingTests.eventually(60) { readies() == 1 })
            let before = try await Self.otherConnections(server)
            for reload in 1...4 {
                kill(daemon.processIdentifier, SIGHUP)
                #expect(try await OperatingTests.eventually(60) { readies() == reload + 1 }, "reload \(reload): \(heard)")
            }
            #expect(daemon.isRunning)
            // The generations replaced closed their clients; a generation keeps a few at most. A
            // closed connection leaves the server's list when its backend has exited, which a
            // loaded machine takes a while to get to: waited for (a leak never drops).
            var after = 0
            let settled = try await OperatingTests.eventually(120) {
                after = try await Self.otherConnections(server)
                return after <= max(before, 1) + 2
            }
            #expect(settled, "PostgreSQL connections before the reloads: \(before), after four: \(after)")
            kill(daemon.processIdentifier, SIGTERM)
            await Binary.waitForExit(daemon)
        }
    }

    /// Connections to `server`'s database other than its own.
    static func otherConnections(_ server: PostgresStateStore) async throws -> Int {
        let rows = try await server.rows("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }
}
