import Foundation

/// The delivery queue as the state holds it: what is due, when the next retry is, and (in a
/// fleet) which node works on what.
public protocol QueueStore: Sendable {
    /// The recording the queue should work on now, skipping `busy` row ids: one whose call
    /// already exists in Gong first, then by recording time (`order`). In a fleet the row is
    /// leased to this node.
    func nextDue(now: Date, excluding busy: Set<Int64>, order: QueueOrder) async throws(StoreError) -> Recording?
    /// Whether a recording is due (as ``nextDue(now:excluding:order:)`` would find, without taking it).
    func isDue(now: Date, excluding busy: Set<Int64>) async throws(StoreError) -> Bool
    /// When the next `waiting` recording is due, if any.
    func nextRetryAt() async throws(StoreError) -> Date?
    /// Whether anything is ready, in flight, or waiting for a retry.
    func hasQueuedWork() async throws(StoreError) -> Bool
    /// Renews this node's leases on `ids` (the recordings it works on); returns those it no
    /// longer holds (another node took them over). Without a fleet: nothing to renew.
    func renewLeases(_ ids: Set<Int64>) async throws(StoreError) -> Set<Int64>
    /// Gives up this node's lease on `id` (it stopped working on it).
    func releaseLease(_ id: Int64) async throws(StoreError)
}

extension QueueStore {
    /// ``nextDue(now:excluding:order:)`` newest first.
    public func nextDue(now: Date, excluding busy: Set<Int64>) async throws(StoreError) -> Recording? {
        try await nextDue(now: now, excluding: busy, order: .newestFirst)
    }
}
