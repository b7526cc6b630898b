import Foundation
import GongSpoolCore
import GongSpoolSQLite
import Logging

/// A spool directory, a state database and an intake on a manual clock.
public struct IntakeHarness: Sendable {
    /// The spool.
    public let spool: TemporaryDirectory
    /// Holds the database.
    public let stateDir: TemporaryDirectory
    /// The store.
    public let store: SQLiteStateStore
    /// The clock.
    public let clock: ManualWallClock
    /// The intake under test.
    public let intake: SpoolIntake
    /// The settings used.
    public let settings: SpoolSettings

    /// Creates everything; `configure` adjusts the spool settings, `adjust` the rest of the configuration.
    public init(
        defaults: JSONValue = .object([:]), clockStart: Date? = nil, configure: (inout SpoolSettings) -> Void = { _ in },
        adjust: (inout Configuration) -> Void = { _ in }
    ) throws {
        spool = try TemporaryDirectory("spool")
        stateDir = try TemporaryDirectory("state")
        store = try SQLiteStateStore.open(path: stateDir.file("state.sqlite"))
        clock = clockStart.map(ManualWallClock.init) ?? ManualWallClock()
        var settings = SpoolSettings()
        settings.directory = spool.path
        settings.settleSeconds = 5
        settings.orphanAfterMinutes = 10
        settings.minDurationSeconds = 0  // the fixtures are seconds long; content tests set it
        configure(&settings)
        var config = Configuration()
        config.spool = settings
        config.defaults = defaults
        adjust(&config)
        self.settings = config.spool
        intake = try SpoolIntake(config: config, store: store, clock: clock, logger: Logger(label: "test"))
    }

    /// Polls, moves the clock past the settle time, polls again.
    @discardableResult
    public func settle() async throws -> IntakeSummary {
        try await intake.poll()
        clock.advance(settings.settleSeconds + 1)
        return try await intake.poll()
    }

    /// Writes an audio file and its sidecar.
    public func addPair(_ stem: String, id: String, audio: Data? = nil, ext: String = "wav") throws {
        try spool.writeRecording(stem, id: id, audio: audio ?? Fixtures.wav(seed: Self.seed(of: id)), ext: ext)
    }

    /// A seed of its own for each id, the same in every run (FNV-1a): two recordings never share
    /// audio by chance (the same audio under another id is a duplicate).
    public static func seed(of id: String) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in id.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash % 32_749)
    }

    /// The row of `stem`.
    public func row(_ stem: String) async throws -> Recording? {
        try await store.find(stem)
    }

    /// Removes the directories.
    public func remove() {
        spool.remove()
        stateDir.remove()
    }
}
