import Foundation

/// The erasures asked for (the audit, and the never-send list they extend) and the recordings
/// whose erasure is not finished. Shared by every node of a fleet.
public protocol PrivacyStore: Sendable {
    /// Records a new erasure; returns it with its id.
    func recordErasure(_ erasure: ErasureRecord) async throws(StoreError) -> ErasureRecord
    /// Writes what an erasure found and did (by its id).
    func updateErasure(_ erasure: ErasureRecord) async throws(StoreError)
    /// Every erasure, oldest first.
    func erasures() async throws(StoreError) -> [ErasureRecord]
    /// Recordings erased on request whose files are not yet confirmed gone, of this node's
    /// spool (in a fleet: the files another spool holds are that spool's daemon's to delete).
    /// A partial index holds just those rows: asking costs nothing when there are none.
    func erasuresPending() async throws(StoreError) -> [Recording]
}
