import Foundation
import GongSpoolCore

/// One server, one SQLite file: no fleet. The state lock (``StateLock``) keeps a second daemon
/// off the database, the node's own ``RequestGate`` spaces its requests, and there is nothing
/// to lease.
extension SQLiteStateStore {
    public func isDue(now: Date, excluding busy: Set<Int64>) async throws(StoreError) -> Bool {
        try await nextDue(now: now, excluding: busy, order: .newestFirst) != nil
    }

    public func renewLeases(_ ids: Set<Int64>) async throws(StoreError) -> Set<Int64> { [] }

    public func releaseLease(_ id: Int64) async throws(StoreError) {}

    public func reserveSlot(interval: Double) async throws(StoreError) -> Double { 0 }

    public func confirmSend(count: Int, window: Double) async throws(StoreError) -> Double { 0 }

    public func recordPause(seconds: Double, until: Date) async throws(StoreError) {
        try await setMeta(.pausedUntil, String(until.timeIntervalSince1970))
    }

    public func join(_ node: NodeAnnouncement) async throws(StoreError) {}

    public func heartbeat() async throws(StoreError) {}

    public func leave() async throws(StoreError) {}

    public func mayRunIntake() async throws(StoreError) -> Bool { true }

    public func fleetStatus(now: Date) async throws(StoreError) -> FleetStatus? { nil }
}
