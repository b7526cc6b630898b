import Foundation
import GongSpoolCore
import GongSpoolSQLite

#if canImport(Glibc)
    import Glibc
#endif

/// Whether a daemon is running on a state, for `status`: for a SQLite file, the process that
/// holds the state lock (`state.sqlite.lock`), found in `/proc/locks` — looked at, never
/// locked, so that a `status` can never stand in a starting daemon's way; for a PostgreSQL
/// fleet, the running nodes that read this spool.
public enum DaemonPresence {
    /// The daemons running on `config`'s state.
    public static func find(_ config: Configuration, store: any FleetStore) async -> [RunningDaemon] {
        if config.state.isPostgres {
            let spool = StateStoreFactory.spoolName(config)
            let nodes = (try? await store.fleetStatus(now: Date()))?.nodes ?? []
            return nodes.filter { $0.condition == "running" && $0.spool == spool }.map {
                RunningDaemon(pid: Int32(clamping: $0.pid), since: $0.startedAt, node: $0.name)
            }
        }
        return lockHolder(database: config.state.database).map { [$0] } ?? []
    }

    /// The process holding the exclusive `flock` of `database`'s state lock, if any.
    static func lockHolder(database: String) -> RunningDaemon? {
        var info = stat()
        guard stat(database + ".lock", &info) == 0, let locks = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return nil }
        // `1: FLOCK  ADVISORY  WRITE 1234 fd:01:56789 0 EOF`: the third field of the device is the inode.
        for line in locks.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[1] == "FLOCK", fields[3] == "WRITE", let pid = Int32(fields[4]) else { continue }
            guard let inode = fields[5].split(separator: ":").last.flatMap({ UInt64($0) }), inode == UInt64(info.st_ino) else { continue }
            return RunningDaemon(pid: pid, since: startTime(of: pid))
        }
        return nil
    }

    /// When process `pid` started: its start in clock ticks after boot (`/proc/PID/stat`),
    /// after the boot time (`/proc/stat`).
    static func startTime(of pid: Int32) -> Date? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")"),
            let system = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let boot = system.split(separator: "\n").first(where: { $0.hasPrefix("btime ") })?.split(separator: " ").last.flatMap({ Double($0) })
        else { return nil }
        // After the command name: state is field 3, start time field 22.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard fields.count > 19, let ticks = Double(fields[19]), ticksPerSecond > 0 else { return nil }
        return Date(timeIntervalSince1970: boot + ticks / ticksPerSecond)
    }
}
