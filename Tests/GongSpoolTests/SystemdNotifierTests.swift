import Foundation
import GongSpool
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

@Suite struct SystemdNotifierTests {
    /// Binds a datagram socket at `path` (a leading "@" = abstract) and returns its descriptor.
    func listen(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (bytes.first == 0 ? 0 : 1))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        try #require(result == 0)
        return fd
    }

    func receive(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : ""
    }

    @Test func sendsToAPathSocket() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let fd = try listen(dir.file("notify"))
        defer { close(fd) }
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": dir.file("notify"), "WATCHDOG_USEC": "30000000"])
        #expect(notifier.isActive)
        #expect(notifier.watchdogInterval == .seconds(30))
        #expect(notifier.notify("READY=1\nSTATUS=3 queued"))
        #expect(receive(fd) == "READY=1\nSTATUS=3 queued")
    }

    @Test func sendsToAnAbstractSocket() throws {
        let name = "@gongspool-test-\(UUID().uuidString)"
        let fd = try listen(name)
        defer { close(fd) }
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": name]).notify("WATCHDOG=1"))
        #expect(receive(fd) == "WATCHDOG=1")
    }

    @Test func doesNothingOutsideSystemd() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isActive)
        #expect(!notifier.notify("READY=1"))
    }
}
