/// Small facts the daemon keeps between runs and shows to operator commands, in the `meta` table.
/// Every key the stores use is here: none is typed as text elsewhere.
public enum MetaKey: String, Sendable, CaseIterable {
    /// Until when Gong asked for no request (a 429's `Retry-After`), seconds since the epoch.
    case pausedUntil
    /// Why sending is halted (401/403, a misconfigured endpoint), with when; absent when it is not.
    case sendingHalted
    /// Why Gong's user list could not be fetched the last time, with when; absent when it was.
    case userListProblem = "gongUsersProblem"
    /// When Gong's user list was last fetched, seconds since the epoch.
    case gongUsersFetchedAt
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
    /// When the last full rescan of the spool finished, seconds since the epoch.
    case lastFullRescan
    /// When an operator last asked for the whole spool to be listed (`forget`), seconds since
    /// the epoch: intake lists everything at its next poll after a change of this value.
    case rescanRequested
    /// The backfill cutoff fixed at the first start (seconds since the epoch, or `all`).
    case backfillCutoff
    /// When the last delivery finished (a tally: see ``Tallies``).
    case lastSuccessAt
    /// The id of the last history line that carried an error (a tally).
    case lastErrorTransition
    /// The archive as the daemon last looked (``ArchiveSummary``: files, bytes, oldest, when).
    case archiveSummary

    /// Whose fact it is, where nodes share a state.
    public enum Scope: Sendable {
        /// The company's: one value for every node (the budget's pause, the tallies).
        case company
        /// One node's (why it halted, what it is examining).
        case node
        /// One spool's (its rescan clock, its backfill cutoff, its system id).
        case spool
    }

    /// Whose fact it is.
    public var scope: Scope {
        switch self {
        case .sendingHalted, .userListProblem, .examining, .examiningStrikes, .gongUnreachable, .spoolProblem: .node
        case .systemId, .lastFullRescan, .rescanRequested, .backfillCutoff, .archiveSummary: .spool
        case .pausedUntil, .gongUsersFetchedAt, .lastReconciliation, .lastReconciliationAt, .lastSuccessAt, .lastErrorTransition: .company
        }
    }

    /// The key's name in a state shared by nodes (`KEY/NODE`, `KEY/SPOOL`; the system id is
    /// `systemId/spool/SPOOL`, as the first release that shared it named it). A state of one
    /// node stores the bare name.
    public func sharedName(node: String, spool: String) -> String {
        switch scope {
        case .company: rawValue
        case .node: "\(rawValue)/\(node)"
        case .spool: self == .systemId ? "\(rawValue)/spool/\(spool)" : "\(rawValue)/\(spool)"
        }
    }

    /// Facts that need only survive a crash of the process, not a power loss: written without
    /// waiting for the disk (the intake's per-recording examination marker, two writes per file).
    public var survivesProcessCrashOnly: Bool { self == .examining || self == .examiningStrikes }
}
