import NIOPosix

/// Runs blocking file-system work (readdir, stat, read, hashing) on NIO's blocking thread
/// pool, never on Swift's cooperative pool (which has only two threads here).
public enum BlockingIO {
    /// Runs `body` on the blocking pool and returns its result.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }
}
