import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc

    /// What inotify saw.
    public enum WatchEvent: Sendable, Equatable {
        /// Something was written, moved in or created in this directory (relative path).
        case changed(String)
        /// The kernel dropped events (`IN_Q_OVERFLOW`): only a full rescan is safe.
        case overflow
    }

    /// inotify assistance for the poller (Linux, local file systems): watches the spool and every
    /// sub-directory (new dated folders are added as they appear) for files closed after writing,
    /// moved in or created, and reports them so intake looks now instead of at the next poll.
    /// Polling stays the baseline; network file systems never deliver these events reliably.
    public final class SpoolWatcher: Sendable {
        /// The events, for ``IntakeService``.
        public let events: AsyncStream<WatchEvent>
        private let continuation: AsyncStream<WatchEvent>.Continuation
        private let fd: Int32
        private let root: String
        private let recursive: Bool
        private let stopping = Atomic<Bool>(false)
        private let state = Mutex<[Int32: String]>([:])
        private let logger: Logger

        /// Why inotify cannot be used.
        public enum Failure: Error, Sendable, CustomStringConvertible {
            /// `inotify_init1` failed.
            case unavailable(String)

            public var description: String {
                switch self {
                case .unavailable(let why): "inotify unavailable: \(why)"
                }
            }
        }

        /// Starts watching `root` (and, when `recursive`, every directory below it).
        public init(root: String, recursive: Bool, logger: Logger) throws(Failure) {
            let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
            guard fd >= 0 else { throw .unavailable(String(cString: strerror(errno))) }
            self.fd = fd
            self.root = root
            self.recursive = recursive
            self.logger = logger
            (events, continuation) = AsyncStream.makeStream(of: WatchEvent.self, bufferingPolicy: .bufferingNewest(1024))
            // Walking the tree to add watches is blocking I/O: it runs on the reader thread, never on
            // the caller's (cooperative) thread; until it is done, polling covers the spool.
            let thread = Thread { [self] in
                self.addTree("")
                self.logger.info("inotify watches in place", metadata: ["directories": "\(self.watchCount)"])
                self.readLoop()
            }
            thread.name = "gongspool-inotify"
            thread.start()
        }

        /// Stops the reader thread (within a quarter second) and closes the descriptor.
        public func stop() {
            stopping.store(true, ordering: .relaxed)
        }

        /// Watched directories.
        public var watchCount: Int { state.withLock { $0.count } }

        /// Whether `path` lives on a network or FUSE file system (from `/proc/self/mountinfo`), where
        /// inotify sees only changes made on this machine. Unknown counts as network (poll only).
        public static func isNetworkFileSystem(_ path: String) -> Bool {
            guard let type = fileSystemType(path) else { return true }
            let network = ["nfs", "nfs4", "cifs", "smb3", "smbfs", "ceph", "9p", "glusterfs", "afs", "lustre", "davfs", "sshfs"]
            return network.contains(type) || type.hasPrefix("fuse")
        }

        /// The file-system type of the mount holding `path`.
        public static func fileSystemType(_ path: String) -> String? {
            guard let resolved = realpath(path, nil) else { return nil }
            let target = String(cString: resolved)
            free(resolved)
            guard let table = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return nil }
            var best: (length: Int, type: String)?
            for line in table.split(separator: "\n") {
                let halves = line.components(separatedBy: " - ")
                guard halves.count == 2 else { continue }
                let fields = halves[0].split(separator: " ")
                let tail = halves[1].split(separator: " ")
                guard fields.count >= 5, let type = tail.first else { continue }
                let mount = String(fields[4]).replacingOccurrences(of: "\\040", with: " ")
                let covers = mount == "/" || target == mount || target.hasPrefix(mount + "/")
                if covers, mount.count >= (best?.length ?? -1) { best = (mount.count, String(type)) }
            }
            return best?.type
        }

        private static let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE_SELF | IN_ONLYDIR)

        /// Watches `relative` and, when recursive, every directory below it (no symlinks followed).
        private func addTree(_ relative: String) {
            var queue = [relative]
            while let path = queue.popLast() {
                let absolute = path.isEmpty ? root : root + "/" + path
                let wd = inotify_add_watch(fd, absolute, Self.mask | UInt32(path.isEmpty ? 0 : IN_DONT_FOLLOW))
                guard wd >= 0 else {
                    logger.warning(
                        "cannot watch directory; polling covers it",
                        metadata: ["path": "\(absolute)", "error": "\(String(cString: strerror(errno)))"])
                    continue
                }
                state.withLock { $0[wd] = path }
                guard recursive, let dir = opendir(absolute) else { continue }
                while let entry = readdir(dir) {
                    let record = DirectoryEntry(entry)
                    let name = String(decoding: record.name, as: UTF8.self)
                    if name.hasPrefix(".") || record.type != UInt8(DT_DIR) { continue }
                    queue.append(path.isEmpty ? name : path + "/" + name)
                }
                closedir(dir)
            }
        }

        private func readLoop() {
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            while !stopping.load(ordering: .relaxed) {
                guard poll(&descriptor, 1, 250) > 0 else { continue }
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                guard count > 0 else { continue }
                for event in InotifyDecoder.decode(Array(buffer[0..<count])) {
                    handle(event)
                }
            }
            close(fd)
            continuation.finish()
        }

        private func handle(_ event: InotifyDecoder.Event) {
            if event.mask & UInt32(IN_Q_OVERFLOW) != 0 {
                continuation.yield(.overflow)
                return
            }
            guard let directory = state.withLock({ $0[event.wd] }) else { return }
            if event.mask & UInt32(IN_IGNORED) != 0 || event.mask & UInt32(IN_DELETE_SELF) != 0 {
                _ = state.withLock { $0.removeValue(forKey: event.wd) }
                return
            }
            if recursive, event.mask & UInt32(IN_ISDIR) != 0, event.mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0, !event.name.hasPrefix(".") {
                addTree(directory.isEmpty ? event.name : directory + "/" + event.name)
            }
            continuation.yield(.changed(directory))
        }
    }
#endif

/// Splits the bytes read from an inotify descriptor into events (`struct inotify_event`:
/// wd, mask, cookie, len, then `len` bytes of NUL-padded name).
public enum InotifyDecoder {
    /// One event.
    public struct Event: Sendable, Equatable {
        /// Watch descriptor.
        public var wd: Int32
        /// Event mask.
        public var mask: UInt32
        /// File name within the watched directory ("" for events on the directory itself).
        public var name: String
    }

    /// Decodes every complete event in `bytes`.
    public static func decode(_ bytes: [UInt8]) -> [Event] {
        var events: [Event] = []
        var offset = 0
        func u32(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }
        while offset + 16 <= bytes.count {
            let length = Int(u32(offset + 12))
            guard offset + 16 + length <= bytes.count else { break }
            let nameBytes = bytes[(offset + 16)..<(offset + 16 + length)].prefix { $0 != 0 }
            events.append(Event(wd: Int32(bitPattern: u32(offset)), mask: u32(offset + 4), name: String(decoding: nameBytes, as: UTF8.self)))
            offset += 16 + length
        }
        return events
    }
}
