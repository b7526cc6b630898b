import Foundation
import GongSpoolCore

/// One server, one SQLite file: no fleet. The state lock (``StateLock``) keeps a second daemon
/// off the database, and the node's own ``RequestGate`` spaces its requests.
extension SQLiteStateStore {
    public func join(_ node: NodeAnnouncement) async throws(StoreError) {}

    public func heartbeat() async throws(StoreError) {}

    public func leave() async throws(StoreError) {}

    public func fleetStatus(now: Date) async throws(StoreError) -> FleetStatus? { nil }
}
