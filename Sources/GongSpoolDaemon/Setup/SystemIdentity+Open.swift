import Foundation
import GongSpoolCore
import Logging

extension SystemIdentity {
    /// A tool's view (`config`, `status`, `validate`): the system id in the state if there is
    /// one, never written.
    public static func current(_ config: Configuration, logger: Logger) async -> (Configuration, Source) {
        if let configured = config.spool.systemId, !configured.isEmpty { return (config, .configured) }
        guard let store = (try? await StateStoreFactory.openExisting(config, logger: logger)) ?? nil else { return (config, .provisional) }
        defer { try? store.close() }
        return (try? await current(config, store: store)) ?? (config, .provisional)
    }
}
