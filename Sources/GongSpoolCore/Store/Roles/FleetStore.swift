import Foundation

/// The nodes sharing a PostgreSQL state; a SQLite state is a fleet of one and answers nothing.
public protocol FleetStore: Sendable {
    /// Announces this node (refused while another running node has its name).
    func join(_ node: NodeAnnouncement) async throws(StoreError)
    /// Tells the fleet this node is alive.
    func heartbeat() async throws(StoreError)
    /// Tells the fleet this node stopped (its name is free, its leases given up).
    func leave() async throws(StoreError)
    /// Every node of the fleet, for `status --fleet`; `nil` without a fleet.
    func fleetStatus(now: Date) async throws(StoreError) -> FleetStatus?
}
