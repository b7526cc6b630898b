import Foundation

/// What the ``RequestGate`` keeps in the state: the daily budget, the fleet's request schedule
/// and pause, and whether a hold still halts sending.
public protocol GateStore: Sendable {
    /// Counts one request against UTC day `day` unless that would exceed `limit`; `nil` when the budget is spent.
    func reserveDailyRequest(day: String, limit: Int) async throws(StoreError) -> Int?
    /// Requests counted on UTC day `day`.
    func dailyUsage(day: String) async throws(StoreError) -> Int
    /// Gives one request counted on `day` back (it never reached Gong).
    func releaseDailyRequest(day: String) async throws(StoreError)
    /// Takes the next request slot of the fleet's shared schedule (`interval` seconds apart);
    /// returns how long to wait before sending. Without a fleet, `0`: the node's own gate spaces.
    func reserveSlot(interval: Double) async throws(StoreError) -> Double
    /// Right before a request leaves, in a fleet: records its real send time if `window` allows
    /// it after the sends of every node (and no pause holds), and returns 0; otherwise how long
    /// to wait before asking again. Slots are a schedule; this is what Gong sees (a request
    /// leaving late must not crowd the next). Without a fleet, `0`: the node's own gate follows
    /// its previous real send.
    func confirmSend(_ window: SendWindow) async throws(StoreError) -> Double
    /// Records a pause Gong asked for (a 429's `Retry-After`) for a restart and, in a fleet, for every node.
    func recordPause(seconds: Double, until: Date) async throws(StoreError)
    /// Whether any recording is held for a cause that halts all sending.
    func hasHaltingHolds() async throws(StoreError) -> Bool
}
