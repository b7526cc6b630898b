import Crypto
import Foundation
import Logging

/// The name a spool gives Gong in derived clientUniqueIds (`{systemId}:{pbxCallId}`). It must
/// never change: a new name makes every re-export a new call. So, when `spool.systemId` is not
/// set, it is chosen once at the first start and kept in the state (meta `systemId`; in a fleet
/// the spool's, so both nodes of an HA pair use one): derived from `/etc/machine-id` (hashed:
/// the machine id itself is not sent), or random when there is none. A state that already
/// delivered recordings under the host name (the default before GongSpool 1.3) keeps it.
public enum SystemIdentity {
    /// Where the system id in force came from.
    public enum Source: String, Sendable {
        /// `spool.systemId`.
        case configured = "spool.systemId"
        /// Written into the state at an earlier start.
        case state = "the state (chosen at the first start)"
        /// Chosen now from `/etc/machine-id`.
        case machineId = "the machine id (chosen now, kept in the state)"
        /// Chosen now: the host name an existing state's recordings were derived with.
        case hostName = "the host name (the earlier default, kept in the state)"
        /// Chosen now at random (no machine id).
        case generated = "generated (kept in the state)"
        /// No state to read it from (a tool run before the first start): the host name.
        case provisional = "the host name, until the daemon's first start chooses one"
    }

    /// The daemon's start: `config` with `spool.systemId` settled (written into the state if
    /// this is the first start), and where it came from.
    public static func settle(
        _ config: Configuration, store: any StatusStore & MetaStore, machineIdPath: String = "/etc/machine-id",
        random: () -> UInt64 = { UInt64.random(in: .min ... .max) }
    ) async throws(StoreError) -> (Configuration, Source) {
        var settled = config
        if let configured = config.spool.systemId, !configured.isEmpty {
            // Kept too: an operator who later removes the key does not change every id.
            _ = try await store.setMetaIfAbsent(.systemId, configured)
            return (settled, .configured)
        }
        if let stored = try await store.meta(.systemId) {
            settled.spool.systemId = stored
            return (settled, .state)
        }
        let (candidate, source): (String, Source)
        let counts = try await store.countsByState()
        if counts.values.reduce(0, +) > 0 {
            candidate = config.spool.effectiveSystemId
            source = .hostName
        } else if let machine = machineId(at: machineIdPath) {
            candidate = "pbx-" + String(hex(SHA256.hash(data: Data(("gongspool-system-id:" + machine).utf8))).prefix(10))
            source = .machineId
        } else {
            candidate = "pbx-" + String(String(random(), radix: 16).suffix(10))
            source = .generated
        }
        let inForce = try await store.setMetaIfAbsent(.systemId, candidate)
        settled.spool.systemId = inForce
        return (settled, inForce == candidate ? source : .state)
    }

    /// A tool's view (`config`, `status`, `validate`) from an open `store`: the system id in
    /// the state if there is one, never written.
    public static func current(_ config: Configuration, store: any StatusStore & MetaStore) async throws(StoreError) -> (Configuration, Source) {
        if let configured = config.spool.systemId, !configured.isEmpty { return (config, .configured) }
        guard let stored = try await store.meta(.systemId) else { return (config, .provisional) }
        var known = config
        known.spool.systemId = stored
        return (known, .state)
    }

    /// The first line of the machine id file, if it is a machine id (32 hex digits).
    static func machineId(at path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path), data.count < 4096,
            let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
            text.count == 32, text.allSatisfy(\.isHexDigit)
        else { return nil }
        return text.lowercased()
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
