import Foundation
import GongSpoolCore
import Synchronization
import TestSupport
import Testing

/// The PostgreSQL password never leaves in clear off loopback: loopback is decided by parsing
/// the address (127.0.0.2 is loopback, `127.0.0.1.example.com` is not), the default off loopback
/// is `verify-full`, and a server that declines TLS and asks for a clear-text password gets
/// nothing — tried through the real binary.
@Suite struct DatabaseTLSTests {
    @Test func loopbackIsDecidedByTheAddress() throws {
        for host in ["127.0.0.1", "127.0.0.2", "127.255.0.9", "::1", "[::1]", "::ffff:127.0.0.5", "localhost", "/run/postgresql"] {
            #expect(PostgresLocation.isLocal(host), "\(host)")
        }
        for host in ["10.0.0.1", "128.0.0.1", "db.example.com", "::2", "::ffff:10.0.0.1", "127.0.0.1.example.com"] {
            #expect(!PostgresLocation.isLocal(host), "\(host)")
        }
        #expect(try PostgresLocation(url: "postgresql://u@db.example.com/g").tls == .verifyFull)
        #expect(try PostgresLocation(url: "postgresql://u@127.0.0.2/g").tls == .disable)
        #expect(try PostgresLocation(url: "postgresql://u@db.example.com/g?sslmode=prefer").tlsRisk?.contains("clear text") == true)
        #expect(try PostgresLocation(url: "postgresql://u@db.example.com/g").tlsRisk == nil)
    }

    @Test func aServerThatDeclinesTLSNeverGetsThePassword() async throws {
        let h = try DeliveryHarness()
        defer { h.remove() }
        let server = try FakePostgres(address: "127.0.0.2")
        defer { server.stop() }
        // The mode every non-loopback host gets by default (loopback by address takes plain TCP:
        // 127.0.0.2 is this machine): TLS required and verified, whatever the server answers.
        let direct = try h.work.write(
            "direct.yaml",
            text: """
                spool:
                  directory: \(h.spool.path)
                gong:
                  baseURL: https://api.gong.io
                state:
                  database: postgresql://gongspool@\(server.address):\(server.port)/gongspool?sslmode=verify-full
                  node: a
                """)
        var environment = DeliveryHarness.environment()
        environment["GONGSPOOL_DB_PASSWORD"] = "not-for-the-wire"
        let cli = OperatorCLI(h, config: direct)
        let refused = try await cli.run(["status", "--config", direct], environment: environment)
        #expect(refused.status != 0, "the node refuses: \(refused.output)")
        #expect(server.sslRequests >= 1, "it asked for TLS first")
        #expect(!server.receivedPassword, "no password on the wire")
    }
}

/// Just enough of a PostgreSQL server to decline TLS (`N` to the SSLRequest) and ask for a
/// clear-text password: records whether one arrived.
final class FakePostgres: Sendable {
    let address: String
    let port: Int
    private let listener: Int32
    private let seen = Mutex<(ssl: Int, password: Bool)>((0, false))

    var sslRequests: Int { seen.withLock { $0.ssl } }
    var receivedPassword: Bool { seen.withLock { $0.password } }

    init(address: String) throws {
        self.address = address
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        inet_pton(AF_INET, address, &addr.sin_addr)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else {
            close(fd)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        listener = fd
        port = Int(UInt16(bigEndian: addr.sin_port))
        let thread = Thread { [self] in self.serve() }
        thread.start()
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            handle(client)
            close(client)
        }
    }

    private func readExactly(_ fd: Int32, _ count: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = out.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + got, count - got, 0) }
            guard n > 0 else { return nil }
            got += n
        }
        return out
    }

    private func int32(_ bytes: ArraySlice<UInt8>) -> Int {
        bytes.reduce(0) { $0 << 8 | Int($1) }
    }

    private func handle(_ fd: Int32) {
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // Startup-phase messages: length (4) + code (4) + body.
        guard let head = readExactly(fd, 8) else { return }
        var length = int32(head[0..<4])
        var code = int32(head[4..<8])
        if code == 80_877_103 {
            seen.withLock { $0.ssl += 1 }
            _ = send(fd, [UInt8(ascii: "N")], 1, 0)
            guard let next = readExactly(fd, 8) else { return }
            (length, code) = (int32(next[0..<4]), int32(next[4..<8]))
        }
        guard length >= 8, length < 10_000, readExactly(fd, length - 8) != nil else { return }
        // AuthenticationCleartextPassword.
        let ask: [UInt8] = [UInt8(ascii: "R"), 0, 0, 0, 8, 0, 0, 0, 3]
        _ = send(fd, ask, ask.count, 0)
        if let reply = readExactly(fd, 1), reply[0] == UInt8(ascii: "p") {
            seen.withLock { $0.password = true }
        }
    }
}
