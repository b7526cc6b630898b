import Foundation

/// What reconciliation reads and marks: delivered recordings to look for in Gong's list.
public protocol ReconcileStore: Sendable {
    /// Delivered recordings not yet found in Gong's list (and those found missing before),
    /// delivered in `[since, before]`.
    func reconcileCandidates(deliveredSince since: Date, before: Date) async throws(StoreError) -> [ReconcileCandidate]
    /// Records that Gong listed the calls of `candidates` (no history line), for those that
    /// still own that call and are delivered.
    func confirmListed(_ candidates: [ReconcileCandidate], at date: Date) async throws(StoreError)
}
