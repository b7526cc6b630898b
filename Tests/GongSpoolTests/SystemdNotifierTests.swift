import Foundation
import GongSpoolCore
import GongSpoolDaemon
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct SystemdNotifierTests {
    func listen(_ path: String) throws -> Int32 {
        try NotifySocket.listen(path)
    }

    func receive(_ fd: Int32) -> String {
        NotifySocket.drain(fd).first ?? ""
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
