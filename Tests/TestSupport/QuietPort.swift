import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Ports for servers a test starts on a port it chose (a metrics endpoint, a Gong that goes
/// down and comes back, the test PostgreSQL).
public enum QuietPort {
    /// A loopback port nothing listens on, below the kernel's ephemeral range (32768 and up on
    /// Linux): while it is left free, no outgoing connection — of this test or of another one
    /// running beside it — takes it as its own source port. Tried with a plain socket, closed
    /// before this returns.
    public static func free() throws -> Int {
        for _ in 0..<100 {
            let candidate = Int.random(in: 10_000..<32_000)
            if canBind(candidate) { return candidate }
        }
        throw PostgresTestServerError(message: "no free port below the ephemeral range")
    }

    private static let handedOut = Mutex<Set<Int>>([])

    static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
