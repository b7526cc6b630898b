import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `/healthz`: ok, or degraded with every reason a person should act on.
public struct HealthCheck: Sendable {
    let store: any StatusStore & UpkeepStore
    let gate: RequestGate
    let health: DaemonHealth

    /// A value with every field given.
    public init(store: any StatusStore & UpkeepStore, gate: RequestGate, health: DaemonHealth) {
        self.store = store
        self.gate = gate
        self.health = health
    }
    /// Below this many free bytes on the state file system, health is degraded.
    public static let minimumFreeBytes: Int64 = 200 * 1024 * 1024

    /// The verdict.
    public struct Verdict: Sendable, Equatable {
        /// Reasons; empty means healthy.
        public var reasons: [String]
        /// `ok` or `degraded: reason; reason`.
        public var text: String { reasons.isEmpty ? "ok" : "degraded: " + reasons.joined(separator: "; ") }
    }

    /// Evaluates health now.
    public func evaluate() async -> Verdict {
        var reasons: [String] = []
        if let halted = await gate.halted { reasons.append("sending halted: \(halted)") }
        if let since = await gate.unreachable { reasons.append("Gong unreachable since \(ISOTimestamp.format(since))") }
        reasons += await health.problems()
        let stalled = await health.stalled(limit: 60)
        if !stalled.isEmpty { reasons.append("not turning for over 60 s: \(stalled.joined(separator: ", "))") }
        if await gate.budgetExhausted { reasons.append("daily request budget exhausted; sending resumes at UTC midnight") }
        do {
            _ = try await store.countsByState()
        } catch {
            reasons.append("state store error: \(error.description)")
        }
        if let file = store.databaseFile, let free = Self.freeBytes(at: (file as NSString).deletingLastPathComponent), free < Self.minimumFreeBytes {
            reasons.append("disk nearly full: \(free / 1_048_576) MiB free for the state database")
        }
        return Verdict(reasons: reasons)
    }

    static func freeBytes(at path: String) -> Int64? {
        var info = statvfs()
        guard statvfs(path.isEmpty ? "." : path, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }
}
