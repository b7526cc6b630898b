import AsyncHTTPClient
import Foundation
import GongSpoolCore
import GongSpoolHTTP
import GongSpoolSQLite
import Logging
import ServiceLifecycle
import UnixSignals

/// Everything `gongspool run` needs, wired together: state store, intake, request gate,
/// Gong client and delivery workers.
public struct Daemon: Sendable {
    /// How long in-flight requests may run on after SIGTERM before they are cancelled.
    public static let gracefulShutdownSeconds: Int64 = 60

    /// The configuration in force.
    public let config: Configuration
    /// The state store.
    public let store: any StateStore
    let intake: SpoolIntake
    let queue: DeliveryQueue
    let gate: RequestGate
    let delivery: RecordingDelivery
    let userList: UserListRefresher?
    let reconciler: Reconciler?
    let health: DaemonHealth
    let clock: any WallClock
    let logger: Logger

    /// Wires the daemon on the SQLite state store `state.database` names.
    public init(
        config: Configuration, credentials: Credentials, http: HTTPClient, clock: any WallClock = SystemWallClock(),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }, logger: Logger
    ) throws {
        try self.init(
            config: config, store: SQLiteStateStore.open(path: config.state.database), credentials: credentials, http: http,
            clock: clock, random: random, logger: logger)
    }

    /// Wires the daemon on the state store `state.database` names (SQLite or a PostgreSQL fleet).
    public static func open(config: Configuration, credentials: Credentials, http: HTTPClient, logger: Logger) async throws -> Daemon {
        let store = try await StateStoreFactory.open(config, as: .daemon, logger: logger)
        do {
            // Derived clientUniqueIds never change name: the system id is settled in the state first.
            let (settled, source) = try await SystemIdentity.settle(config, store: store)
            logger.info("system id", metadata: ["systemId": "\(settled.spool.effectiveSystemId)", "from": "\(source.rawValue)"])
            return try Daemon(config: settled, store: store, credentials: credentials, http: http, logger: logger)
        } catch {
            try? store.close()
            throw error
        }
    }

    /// Wires the daemon on `store`. `http` is owned by the caller (shut it down after `run`).
    public init(
        config: Configuration, store: any StateStore, credentials: Credentials, http: HTTPClient, clock: any WallClock = SystemWallClock(),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }, logger: Logger
    ) throws {
        self.config = config
        self.clock = clock
        self.logger = logger
        try NewCallValidator.checkEmbeddedSchema()
        self.store = store
        let endpoint = try GongEndpoint(baseURL: config.gong.baseURL)
        let client = GongClient(http: http, endpoint: endpoint, credentials: credentials, settings: config.gong, logger: logger)
        health = DaemonHealth(clock: clock)
        gate = RequestGate(settings: config.gong, store: store, clock: clock, logger: logger, health: health)
        intake = try SpoolIntake(config: config, store: store, clock: clock, logger: logger, health: health)
        queue = DeliveryQueue(store: store, clock: clock, order: config.spool.order)
        userList =
            config.users.fromGong
            ? UserListRefresher(settings: config.users, client: client, gate: gate, store: store, clock: clock, logger: logger, health: health) : nil
        delivery = RecordingDelivery(
            store: store, client: client, gate: gate, config: config, clock: clock, random: random, logger: logger, health: health)
        reconciler = config.gong.reconcile ? Reconciler(client: client, gate: gate, store: store, clock: clock, logger: logger) : nil
    }

    /// Requests one reconciliation may spend: a twentieth of the daily budget (at least 10).
    public static func reconcileRequestCap(_ settings: GongSettings) -> Int {
        max(10, settings.dailyRequestLimit / 20)
    }

    /// Start-up housekeeping: recordings held only because credentials were rejected go back
    /// to the queue (a restart is how new secrets arrive).
    public func prepare() async throws {
        try await store.join(NodeAnnouncement(name: config.state.nodeName, version: BuildInfo.version, spool: StateStoreFactory.spoolName(config)))
        try await checkFirstStartCost()
        try await gate.restorePause()
        try await gate.restoreReachability()
        try await intake.holdInterruptedExamination()
        // A start (or reload) is how fixed credentials and configuration arrive: holds for them
        // are released below, and sending is not halted any more.
        try await store.setMeta(.sendingHalted, nil)
        let cutoff = try await store.backfillCutoff(config.spool.backfill ?? .all, now: clock.now())
        await intake.setBackfillCutoff(cutoff)
        // The user mapping may have changed since the last start or reload.
        let requeued = try await store.applyToAll(
            in: [.held, .skipped], causes: [.unknownUser, .userImportDisabled], .userMappingChanged,
            context: EventContext(now: clock.now()))
        if requeued > 0 {
            logger.info("recordings held for a user examined again", metadata: ["count": "\(requeued)"])
        }
        let released = try await store.applyToAll(
            in: [.held], causes: ErrorCode.haltingCauses, .sendingReleased,
            context: EventContext(now: clock.now()))
        if released > 0 {
            logger.info("recordings released after restart", metadata: ["count": "\(released)", "reason": "sending was halted"])
        }
    }

    /// On the first start with `spool.backfill` not set: refuses when sending what the spool
    /// holds would take more than one day's budget (``FirstStart/refusal(_:store:)``).
    func checkFirstStartCost() async throws {
        if let refusal = try await FirstStart.refusal(config, store: store) { throw refusal }
    }

    /// The intake service, with inotify when `spool.watch` and the file system allow it.
    func makeIntakeService() -> IntakeService {
        #if canImport(Glibc)
            var watcher: SpoolWatcher?
            let spool = config.spool
            let network = SpoolWatcher.isNetworkFileSystem(spool.directory)
            switch spool.watch {
            case .poll:
                logger.info("watching the spool by polling only", metadata: ["reason": "spool.watch: poll"])
            case .auto where network:
                logger.info(
                    "watching the spool by polling only",
                    metadata: ["reason": "network file system (\(SpoolWatcher.fileSystemType(spool.directory) ?? "unknown"))"])
            case .auto, .inotify:
                do {
                    watcher = try SpoolWatcher(root: spool.directory, recursive: spool.recursive, logger: logger)
                    logger.info("watching the spool with inotify and polling")
                } catch {
                    let level: Logger.Level = spool.watch == .inotify ? .error : .warning
                    logger.log(level: level, "inotify not available; polling only", metadata: ["error": "\(error)"])
                }
            }
            return IntakeService(
                intake: intake, interval: spool.pollIntervalSeconds, settle: spool.settleSeconds, watcher: watcher, health: health,
                afterPoll: nudge, logger: logger)
        #else
            return IntakeService(
                intake: intake, interval: config.spool.pollIntervalSeconds, settle: config.spool.settleSeconds, health: health,
                afterPoll: nudge, logger: logger)
        #endif
    }

    /// After a poll: wakes idle delivery workers when a recording is due.
    var nudge: @Sendable () async -> Void {
        { [queue, logger] in
            do { try await queue.nudgeIfDue() } catch { logger.debug("queue not asked", metadata: ["error": "\(error)"]) }
        }
    }

    /// This node's part in the fleet (PostgreSQL only).
    func makeFleetService() -> FleetService {
        FleetService(store: store, queue: queue, leaseSeconds: config.state.leaseSeconds, logger: logger)
    }

    /// The delivery workers (`gong.maxConcurrentUploads`).
    func makeWorkers() -> DeliveryWorkers {
        DeliveryWorkers(queue: queue, delivery: delivery, workers: config.gong.maxConcurrentUploads, clock: clock, health: health, logger: logger)
    }

    /// How ``run(reload:)`` ended.
    public enum RunOutcome: Sendable {
        /// SIGTERM/SIGINT: the process should exit.
        case stopped
        /// SIGHUP with a valid new configuration: run again with it.
        case reload(Configuration)
    }

    /// Runs until SIGTERM/SIGINT (→ `.stopped`) or a SIGHUP whose new configuration `reload`
    /// accepts (→ `.reload`, after in-flight requests finished). A SIGHUP with an invalid
    /// configuration is logged and ignored; the old configuration stays in force.
    public func run(
        reload: @escaping @Sendable () throws -> Configuration = { throw CancellationError() },
        metricsText: (@Sendable () -> String)? = nil
    ) async throws -> RunOutcome {
        try await prepare()
        let notifier = SystemdNotifier()
        let reloader = ReloadService(load: reload, notifier: notifier, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if config.state.isPostgres {
            // First in the group, so it is shut down last: it leaves after the workers finished.
            services.append(.init(service: makeFleetService()))
        }
        services += [
            .init(service: makeIntakeService()),
            .init(service: DeliveryService(workers: makeWorkers())),
            .init(
                service: NotifyService(
                    notifier: notifier, store: store, gate: gate, health: health, clock: clock, progressSeconds: config.log.progressSeconds,
                    reloading: reloader.flag, logger: logger)),
            .init(service: reloader, successTerminationBehavior: .gracefullyShutdownGroup),
        ]
        if let userList {
            services.append(.init(service: UserListService(refresher: userList)))
        }
        // Always: erasures asked for on any node are finished here for this spool's files.
        services.append(.init(service: UpkeepService(config: config, store: store, clock: clock, logger: logger)))
        if let reconciler {
            services.append(.init(service: ReconcileService(reconciler: reconciler, maxRequests: Self.reconcileRequestCap(config.gong))))
        }
        if let address = config.metrics.address {
            let check = HealthCheck(store: store, gate: gate, health: health)
            services.append(
                .init(service: StatusServer(host: address.host, port: address.port, metrics: metricsText ?? { "" }, health: check, logger: logger)))
        }
        var groupConfiguration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // In-flight requests get this long to finish after SIGTERM (below the unit's
        // TimeoutStopSec=90s); then they are cancelled. State is consistent either way:
        // every step was committed before its request.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(Self.gracefulShutdownSeconds)
        groupConfiguration.maximumCancellationDuration = .seconds(10)
        let group = ServiceGroup(configuration: groupConfiguration)
        var started: Logger.Metadata = ["spool": "\(config.spool.directory)", "state": "\(store.location)"]
        if config.state.isPostgres { started["node"] = "\(config.state.nodeName)" }
        logger.info("gongspool started", metadata: started)
        try await group.run()
        if let next = await reloader.accepted {
            logger.info("configuration reloaded")
            return .reload(next)
        }
        logger.info("gongspool stopped")
        return .stopped
    }

    /// The outcome of ``runOnce()``.
    public enum OnceResult: Sendable, Equatable {
        /// Nothing is ready, in flight or waiting.
        case drained
        /// Sending was halted (credentials rejected).
        case halted(String)
    }

    /// Polls and delivers until nothing is ready, in flight, settling or waiting for a retry.
    /// In a fleet, the node's leases are renewed meanwhile and it leaves when done.
    public func runOnce() async throws -> OnceResult {
        try await prepare()
        guard config.state.isPostgres else { return try await drainOnce() }
        let fleet = makeFleetService()
        let renewal = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: FleetService.beatInterval(leaseSeconds: fleet.leaseSeconds))
                _ = try? await fleet.beat()
            }
        }
        defer { renewal.cancel() }
        let result = try await drainOnce()
        renewal.cancel()
        try await store.leave()
        return result
    }

    private func drainOnce() async throws -> OnceResult {
        let workers = makeWorkers()
        if let userList, try await userList.isDue() {
            do {
                try await userList.refresh()
            } catch {
                logger.error("Gong user list not fetched; recordings needing it wait", metadata: ["error": "\(error)"])
            }
        }
        try await intake.poll()
        while true {
            try Task.checkCancellation()
            await workers.run(untilIdle: true, idleSeconds: 0.05)
            if let reason = await gate.halted { return .halted(reason) }
            let summary = try await intake.poll()
            let queued = try await store.hasQueuedWork()
            if !queued && summary.settling == 0 { return .drained }
            try await Task.sleep(for: Bounded.duration(seconds: config.spool.pollIntervalSeconds.clamped(to: 0.05...60)))
        }
    }
}

extension Double {
    func clamped(to range: ClosedRange<Double>) -> Double {
        Swift.min(Swift.max(self, range.lowerBound), range.upperBound)
    }
}
