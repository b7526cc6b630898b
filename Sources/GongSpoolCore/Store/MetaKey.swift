/// Small facts the daemon keeps between runs and shows to operator commands, in the `meta` table.
public enum MetaKey: String, Sendable {
    /// Until when Gong asked for no request (a 429's `Retry-After`), seconds since the epoch.
    case pausedUntil
    /// Why sending is halted (401/403, a misconfigured endpoint), with when; absent when it is not.
    case sendingHalted
    /// Why Gong's user list could not be fetched the last time, with when; absent when it was.
    case userListProblem = "gongUsersProblem"
    /// The last reconciliation with Gong's list of calls: when, and what it found (one line).
    case lastReconciliation
    /// When the last reconciliation ran, seconds since the epoch (the daily run's clock).
    case lastReconciliationAt
    /// The recording intake is examining now (`<row id> <earlier deaths> <audio path>`),
    /// committed before its untrusted bytes are read and cleared after: found at a start, the
    /// daemon died there.
    case examining
    /// A recording the daemon died examining once (`<row id> <deaths>`): examined once more,
    /// held if it dies again.
    case examiningStrikes
    /// Since when Gong could not be reached (`<ISO time> <error>`); absent while it answers.
    case gongUnreachable
    /// Why intake cannot read the spool directory (`<ISO time> <error>`); absent while it can.
    case spoolProblem
    /// The name this spool gives Gong in derived clientUniqueIds when `spool.systemId` is not
    /// set, written once at the first start (``SystemIdentity``); in a fleet, the spool's.
    case systemId

    /// Facts that need only survive a crash of the process, not a power loss: written without
    /// waiting for the disk (the intake's per-recording examination marker, two writes per file).
    public var survivesProcessCrashOnly: Bool { self == .examining || self == .examiningStrikes }
}
