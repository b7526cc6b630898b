import Foundation
import GongSpoolCore

#if canImport(Glibc)
    import Glibc
#endif

/// Speaks systemd's notify protocol (`sd_notify`) on `$NOTIFY_SOCKET` directly: one datagram
/// per message on a Unix socket (a leading `@` means the abstract namespace). Without
/// `NOTIFY_SOCKET` (not started by systemd, or `Type=simple`) every call does nothing.
///
/// Never blocks: a datagram socket's queue holds a handful of messages, and a reader that
/// falls behind (a busy PID 1, a test that reads at the end) would otherwise park the caller's
/// thread in `sendto` — on a two-core machine, half of the concurrency pool, until the whole
/// daemon stood still. A message that does not fit is dropped; the next beat sends another.
public struct SystemdNotifier: Sendable {
    private let socketPath: String?
    /// The watchdog interval systemd asked for (`WATCHDOG_USEC`), if any.
    public let watchdogInterval: Duration?

    /// Reads `NOTIFY_SOCKET` and `WATCHDOG_USEC` from `environment`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        if let usec = environment["WATCHDOG_USEC"].flatMap(Int64.init), usec > 0,
            environment["WATCHDOG_PID"].flatMap(Int32.init).map({ $0 == getpid() }) ?? true
        {
            watchdogInterval = .microseconds(usec)
        } else {
            watchdogInterval = nil
        }
    }

    /// Whether systemd listens.
    public var isActive: Bool { socketPath != nil }

    /// Sends `state` (e.g. `READY=1`, `STATUS=…`, `WATCHDOG=1`, `STOPPING=1`); returns whether it was sent.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        guard let socketPath else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1))
        let message = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddrPointer in
                message.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL), sockaddrPointer, length) }
            }
        }
        return sent == message.count
    }
}
