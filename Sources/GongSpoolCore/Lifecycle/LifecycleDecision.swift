import Foundation

/// What the store does with a change, in the same transaction that writes the row.
public struct StoreEffects: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// Append a history line for the change.
    public static let recordTransition = StoreEffects(rawValue: 1 << 0)
    /// Delete the row and its history.
    public static let deleteRow = StoreEffects(rawValue: 1 << 1)
    /// Examine the rows that are duplicates of this one again (one may carry on in its place).
    public static let reexamineDuplicates = StoreEffects(rawValue: 1 << 2)
    /// Replace the personal data of the row and its history by a tombstone (an erasure).
    public static let erasePersonalData = StoreEffects(rawValue: 1 << 3)
}

/// What the driver that reported the event does once the change is committed.
public enum DriverAction: Sendable, Hashable {
    /// Send the stored create body.
    case post
    /// Upload the media to `callId`.
    case put(callId: String)
    /// No request to Gong for `seconds` (a 429); `note` says why Gong's wait was not taken as it stood.
    case pauseSending(seconds: Double, note: String?)
    /// No request to Gong until a person acts (401/403, a wrong base URL).
    case haltSending(reason: String)
}

/// The lifecycle's answer to one event: the store's effects and the driver's actions.
public struct LifecycleDecision: Sendable, Equatable {
    /// Done by the store in the change's transaction.
    public var effects: StoreEffects
    /// Done by the driver after the change is committed, in order.
    public var actions: [DriverAction]

    /// An answer.
    public init(effects: StoreEffects = [], actions: [DriverAction] = []) {
        self.effects = effects
        self.actions = actions
    }

    /// Nothing to write but the row itself (a reason, a code).
    public static let quiet = LifecycleDecision()
    /// The row goes.
    static let deleted = LifecycleDecision(effects: .deleteRow)

    /// The same answer, then `action`.
    func then(_ action: DriverAction) -> LifecycleDecision {
        LifecycleDecision(effects: effects, actions: actions + [action])
    }

    /// The same answer with `more` effects.
    func with(_ more: StoreEffects) -> LifecycleDecision {
        LifecycleDecision(effects: effects.union(more), actions: actions)
    }
}
