import Foundation
import Logging

extension SpoolIntake {
    /// A recording intake was examining when the process died (a trap on bytes this version
    /// does not survive, an out-of-memory kill, or a power cut that says nothing about the file)
    /// is examined once more; if the daemon dies on it a second time it is held with the reason,
    /// so the same file cannot stop every other delivery at each restart. `gongspool retry ID`
    /// tries it again.
    public func holdInterruptedExamination() async throws {
        guard let text = try await store.meta(.examining) else { return }
        guard let marker = ExaminationMarker(text) else {
            try await store.setMeta(.examining, nil)
            return
        }
        let deaths = marker.strikes + 1
        if deaths < Self.deathsBeforeHold {
            logger.warning(
                "the daemon stopped while examining a recording; it is examined once more, and held if that happens again",
                metadata: ["id": "\(marker.id)", "path": "\(marker.path)"])
            try await store.setMeta(.examiningStrikes, "\(marker.id) \(deaths)")
            try await store.setMeta(.examining, nil)
            return
        }
        let reason =
            "the daemon stopped \(deaths) times while examining \(marker.path) (a crash or an out-of-memory kill); "
            + "held so it cannot stop delivery again — `gongspool retry ID` tries it once more"
        do {
            _ = try await store.apply(marker.id, .examinationInterrupted(reason: reason), context: EventContext(now: clock.now()), evidence: nil)
            logger.error("recording held: the daemon stopped while examining it", metadata: ["id": "\(marker.id)", "path": "\(marker.path)"])
        } catch let error {
            // Refused: the row moved on (or is gone), nothing to hold.
            guard case .refused = error else { throw error }
        }
        try await store.setMeta(.examiningStrikes, nil)
        try await store.setMeta(.examining, nil)
    }

    /// Deaths while examining one recording after which it is held: one could be a power cut
    /// or a kill that has nothing to do with the file; two in a row on the same file are the file.
    static let deathsBeforeHold = 2
}

/// What intake commits before it reads a recording's untrusted bytes (meta `examining`):
/// the row, how often the daemon already died examining it, and the audio's path.
struct ExaminationMarker: Equatable {
    var id: Int64
    var strikes: Int
    var path: String

    var text: String { "\(id) \(strikes) \(path)" }

    /// Reads `text` (`nil` when it is not a marker).
    init?(_ text: String) {
        let parts = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let id = Int64(parts[0]), let strikes = Int(parts[1]) else { return nil }
        self.init(id: id, strikes: strikes, path: String(parts[2]))
    }

    init(id: Int64, strikes: Int, path: String) {
        self.id = id
        self.strikes = max(0, strikes)
        self.path = path
    }

    /// Deaths recorded for `id` in an `examiningStrikes` value (`<row id> <deaths>`).
    static func strikes(of id: Int64) -> (String) -> Int? {
        { text in
            let parts = text.split(separator: " ")
            guard parts.count == 2, Int64(parts[0]) == id else { return nil }
            return Int(parts[1])
        }
    }
}
