import Foundation
import GongSpoolCore
import GongSpoolSQLite
import Logging

/// `gongspool run --dry-run`: examines the spool as the daemon would — pairing, header checks,
/// validation, hashing, duplicate detection — against a throw-away copy of nothing: a temporary
/// state database. Sends nothing and changes neither the real state nor any file.
public enum DryRun {
    /// What the dry run found: every recording with its would-be state, and the requests.
    public struct Report: Sendable {
        /// Rows as intake left them.
        public var recordings: [Recording]
    }

    /// Examines `config.spool` now, treating present files as settled.
    public static func run(config: Configuration, logger: Logger) async throws -> Report {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gongspool-dry-run-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStateStore.open(path: directory + "/state.sqlite")
        var dry = await SystemIdentity.current(config, logger: logger).0
        dry.spool.settleSeconds = 0
        if let real = try await StateStoreFactory.openExisting(config, logger: logger) {
            // Gong's user list as the daemon last fetched it.
            if config.users.fromGong, let fetched = try await real.gongUsersFetchedAt() {
                try await store.replaceGongUsers(try await real.gongUsers(), fetchedAt: fetched)
            }
            // The erasures: their numbers and addresses are never sent.
            for erasure in try await real.erasures() { _ = try await store.recordErasure(erasure) }
            try real.close()
        }
        let intake = try SpoolIntake(config: dry, store: store, clock: SystemWallClock(), logger: logger)
        try await intake.poll()
        try await intake.poll()
        let rows = try await store.recordings()
        try store.close()
        return Report(recordings: rows)
    }
}
