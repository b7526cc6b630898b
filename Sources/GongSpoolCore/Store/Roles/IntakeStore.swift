import Foundation

/// Intake's memory of the spool: the directories as last listed, the newest row of each stem,
/// the pending working set, and whether this node may read the spool now. (The full-rescan
/// clock and the backfill cutoff are facts of the spool: ``MetaStore``.)
public protocol IntakeStore: Sendable {
    /// The remembered spool directories (relative path, `""` for the root).
    func directories() async throws(StoreError) -> [String: DirectoryState]
    /// Records changed directories and forgets vanished ones, in one transaction.
    func saveDirectories(changed: [String: DirectoryState], removed: [String]) async throws(StoreError)
    /// The newest row of each of `stems`.
    func latestRows(stems: [String]) async throws(StoreError) -> [String: Recording]
    /// Sorts the stems of `current` (the files as listed now) by what intake has to do: `fresh`
    /// have no row yet, `needed` have a row intake must look at (see
    /// ``StoredFingerprint/concernsIntake(_:)``); the rest need nothing.
    func intakeConcerns(_ current: [String: Fingerprint]) async throws(StoreError) -> (fresh: [String], needed: [String])
    /// Every `pending` row (intake's working set; small in steady state).
    func pendingRows() async throws(StoreError) -> [Recording]
    /// Whether this node may take its spool's recordings in now (one node per spool at a time:
    /// an HA pair's second node waits and takes over when the first stops renewing).
    func mayRunIntake() async throws(StoreError) -> Bool
}
