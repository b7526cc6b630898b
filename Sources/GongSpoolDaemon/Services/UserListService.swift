import Foundation
import GongSpoolCore
import Logging
import ServiceLifecycle

/// Keeps Gong's user list fresh while the daemon runs.
struct UserListService: Service, CustomStringConvertible {
    var description: String { "UserListService" }

    let refresher: UserListRefresher

    func run() async throws {
        var delay = 60.0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var wait = min(refresher.settings.refreshHours * 3600, 3600)
            do {
                if try await refresher.isDue() {
                    try await refresher.refresh()
                }
                delay = 60
            } catch is CancellationError {
                return
            } catch {
                refresher.logger.error(
                    "Gong user list not refreshed; recordings needing it wait",
                    metadata: ["error": "\(error)", "retryInSeconds": "\(Bounded.text(delay.rounded()))"])
                wait = delay
                delay = min(delay * 2, 3600)
            }
            let pause = wait
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(pause)) }
        }
    }
}
