import Dispatch

/// Runs blocking file-system work (readdir, stat, read, hashing) on a dispatch queue of its own,
/// never on Swift's cooperative pool (which has only two threads here: one blocked `read` on a
/// dead NFS mount must not stop every task of the process).
public enum BlockingIO {
    /// Concurrent: intake's listing, the delivery workers' reads and the hashing do not wait for
    /// one another. libdispatch adds a thread when one blocks, within its own bound.
    private static let queue = DispatchQueue(label: "gongspool.blocking-io", attributes: .concurrent)

    /// Runs `body` on the blocking queue and returns its result.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
