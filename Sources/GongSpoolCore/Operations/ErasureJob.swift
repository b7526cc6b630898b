import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `gongspool erase`: a person's right to be forgotten, carried out on everything GongSpool
/// holds, in an order that a crash between any two steps cannot undo:
///
/// 1. the erasure is recorded (the audit entry): from then on its subject is on the never-send
///    list of every node sharing the state (``NeverSendPolicy/adding(_:)``);
/// 2. every recording carrying the subject (``ErasureMatcher``) is moved by its lifecycle to
///    `skipped` (`erased_on_request`) — a delivery worker's next step is refused from then on;
///    one with a request on the wire is left for a run a moment later;
/// 3. the files of every erased recording of this spool whose files are not yet gone are
///    deleted from the spool and the archive (reached without following links, and only while
///    they are the files taken), then its personal data gives way to a tombstone
///    (``LifecycleEvent/erasureFinished``) — a crash before leaves it for the next run, or the
///    daemon's upkeep, to finish;
/// 4. Gong is asked to erase the subject once (unless an earlier erasure of it was accepted);
/// 5. the audit entry gets what was found and done, and Gong's answer.
public struct ErasureJob: Sendable {
    /// The roles the job takes of the state.
    public typealias Roles = LifecycleStore & StatusStore & PrivacyStore
    let store: any Roles
    let spool: SpoolSettings
    let countryCode: String?
    let clock: any WallClock

    /// `GONGSPOOL_TEST_ERASE_KILL_AFTER`: a test's stand-in for a crash — the process kills
    /// itself (SIGKILL) after the step named (`recorded`, `erased`, `deleted`). Never set outside tests.
    static let testKillAfter: String? = ProcessInfo.processInfo.environment["GONGSPOOL_TEST_ERASE_KILL_AFTER"].flatMap { $0.isEmpty ? nil : $0 }

    /// Tests only: dies here when asked to (``testKillAfter``).
    private static func crashPoint(_ step: String) {
        if testKillAfter == step { kill(getpid(), SIGKILL) }
    }

    /// A job over `store` for the spool (and archive) of `spool`.
    public init(store: any Roles, spool: SpoolSettings, countryCode: String?, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.spool = spool
        self.countryCode = countryCode
        self.clock = clock
    }

    /// Why an erasure cannot start.
    public enum Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        /// A number Gong's API cannot take as it is.
        case numberNotInternational(String)
        /// Not an email address.
        case notAnAddress(String)

        public var description: String {
            switch self {
            case .numberNotInternational(let number):
                "\(number): give the number with + and its country code (e.g. +15551230000), or set privacy.countryCode for national numbers"
            case .notAnAddress(let address): "\(address) is not an email address"
            }
        }
    }

    /// The subject as stored and sent to Gong: a number in its international form, an address
    /// trimmed and lowercased.
    public func subject(phone: String?, email: String?) throws(Refusal) -> ErasureSubject {
        if let phone {
            guard let number = NeverSendPolicy.international(phone, countryCode: countryCode) else { throw .numberNotInternational(phone) }
            return .phone(number)
        }
        let address = NeverSendPolicy.emailKey(email ?? "")
        guard address.split(separator: "@").count == 2, !address.contains(" ") else { throw .notAnAddress(email ?? "") }
        return .email(address)
    }

    /// Every recording in the state carrying `subject` that is not erased yet, oldest first
    /// (the state is read a page at a time).
    public func recordings(carrying subject: ErasureSubject) async throws -> [Recording] {
        let matcher = ErasureMatcher(subject, countryCode: countryCode)
        let root = spool.directory
        var found: [Recording] = []
        var after: Int64 = 0
        while true {
            let page = try await store.recordings(afterId: after, limit: 1000)
            guard let last = page.last?.id else { return found }
            after = last
            let matching = try await BlockingIO.run {
                page.filter { row in
                    row.lastErrorCode != .erasedOnRequest && matcher.matches(row, sidecarText: { Self.sidecarText(of: row, root: root) })
                }
            }
            found += matching
        }
    }

    /// How an erasure went: its audit entry, and the files left (with why).
    public struct Outcome: Sendable {
        /// The audit entry as finished.
        public var entry: ErasureRecord
        /// Files that could not be deleted, with why.
        public var filesLeft: [String]
        /// Recordings erased whose files another spool of the fleet holds: its daemon deletes
        /// them and leaves their tombstones.
        public var elsewhere: Int
        /// Recordings of this spool a file of which could not be deleted (an error): run again.
        public var unfinished: Int
    }

    /// Erases `subject` (from ``subject(phone:email:)``); `command` and `requestedBy` go into
    /// the audit. `gong` sends the erase request to Gong (`nil`: not sent, `gongOutcome` says
    /// why).
    public func run(
        _ subject: ErasureSubject, command: String, requestedBy: String, gong: (@Sendable (ErasureSubject) async throws -> GongErasure)?
    ) async throws -> Outcome {
        let earlier = try await store.erasures()
        var entry = try await store.recordErasure(
            ErasureRecord(subject: subject, requestedAt: clock.now(), command: command, requestedBy: requestedBy))
        guard let request = entry.id else { throw StoreError.notFound("the new erasure") }
        Self.crashPoint("recorded")
        let matches = try await recordings(carrying: subject)
        entry.found = matches.count
        var erasing: Set<Int64> = []
        for row in matches {
            guard let id = row.id else { continue }
            do {
                try await store.apply(id, .erase(request: request), context: EventContext(now: clock.now()))
                erasing.insert(id)
            } catch {
                // Refused only with a request on the wire (the lifecycle allows every other
                // state), or another node of the fleet works on it right now.
                switch error {
                case .refused, .leased: entry.inFlight += 1
                default: throw error
                }
            }
        }
        Self.crashPoint("erased")
        let finished = try await finishPending()
        entry.erased = finished.erased
        entry.filesDeleted = finished.filesDeleted
        entry.filesLeft = finished.filesLeft.count
        if entry.inFlight > 0 {
            entry.gongOutcome = "not sent yet: \(entry.inFlight) recording(s) had a request on the wire; run the erase again in a moment"
        } else if let accepted = earlier.first(where: { $0.erasureSubject == subject && $0.gongRequestId != nil }) {
            entry.gongOutcome = "not sent again: Gong accepted it before (audit #\(accepted.id ?? 0))"
            entry.gongRequestId = accepted.gongRequestId
        } else if let gong {
            let outcome = try await gong(subject)
            entry.gongOutcome = outcome.description
            entry.gongRequestId = outcome.requestId
        } else {
            entry.gongOutcome = "not sent (--local-only)"
        }
        entry.finishedAt = clock.now()
        try await store.updateErasure(entry)
        let elsewhere = erasing.subtracting(finished.erasedIds).subtracting(finished.pendingHere).count
        return Outcome(entry: entry, filesLeft: finished.filesLeft, elsewhere: elsewhere, unfinished: finished.pendingHere.count)
    }

    /// What finishing the pending erasures did.
    public struct Finished: Sendable, Equatable {
        /// Recordings whose files are gone and whose personal data gave way to a tombstone.
        public var erased: Int { erasedIds.count }
        /// Their ids.
        public var erasedIds: Set<Int64> = []
        /// Erased recordings of this spool a file of which could not be deleted (an I/O or
        /// permission error): tried again at the next run.
        public var pendingHere: Set<Int64> = []
        /// Files deleted from the spool and the archive (not counting those already gone).
        public var filesDeleted = 0
        /// Files left, with why: not the file taken any more (replaced at its path: intake
        /// examines it as a new recording, under the never-send list), reached through a link
        /// (never followed), or an error.
        public var filesLeft: [String] = []
    }

    /// Deletes the files of every erased recording of this spool whose files are not yet gone,
    /// then leaves its tombstone. A file that is not the one taken any more, or is reached
    /// through a link, is not the recording's to delete: it is reported and the tombstone is
    /// left all the same; an error keeps the recording for the next run. Run by `erase` and by
    /// the daemon's upkeep (a crash half-way, a recording erased from another node of the fleet).
    public func finishPending() async throws -> Finished {
        var finished = Finished()
        for row in try await store.erasuresPending() {
            guard let id = row.id else { continue }
            let outcome = try await deleteFiles(of: row)
            Self.crashPoint("deleted")
            finished.filesDeleted += outcome.deleted
            finished.filesLeft += outcome.left + outcome.failed
            guard outcome.failed.isEmpty else {
                finished.pendingHere.insert(id)
                continue
            }
            do {
                try await store.apply(id, .erasureFinished, context: EventContext(now: clock.now()))
                finished.erasedIds.insert(id)
            } catch StoreError.refused {
                continue  // finished by another run meanwhile
            }
        }
        return finished
    }

    /// Deletes the recording's audio and sidecar in the spool, then their copies in the archive,
    /// each file on its own (after upload a recording's files go together; here each is the
    /// person's data whatever becomes of the other).
    private func deleteFiles(of row: Recording) async throws -> (deleted: Int, left: [String], failed: [String]) {
        var files: [(root: String, file: TakenFile)] = []
        let roots = [spool.directory] + (spool.archiveDirectory.map { [$0] } ?? [])
        for (index, root) in roots.enumerated() {
            // An archived copy keeps its size and time, not always its inode (another file system).
            let inode = index == 0 ? row.inode : nil
            if let audio = row.audioPath { files.append((root, TakenFile(relativePath: audio, size: row.size, mtimeNs: row.mtimeNs, inode: inode))) }
            if let sidecar = row.sidecarPath {
                files.append((root, TakenFile(relativePath: sidecar, size: row.sidecarSize, mtimeNs: row.sidecarMtimeNs, inode: nil)))
            }
        }
        let taken = files
        return try await BlockingIO.run {
            var deleted = 0
            var left: [String] = []
            var failed: [String] = []
            for (root, file) in taken {
                do {
                    let report = try AfterUploadAction.deleting(under: root).apply(to: [file])
                    deleted += report.handled.count - report.alreadyGone.count
                    left += report.leftInPlace.map { "\(root)/\($0)" }
                } catch {
                    failed.append("\(root): \(error)")
                }
            }
            return (deleted, left, failed)
        }
    }

    /// The text of a recording's sidecar, read without following links (at most
    /// ``RequestBuilder/maxSidecarBytes``); `nil` when there is none or it cannot be read.
    static func sidecarText(of row: Recording, root: String) -> String? {
        guard let path = row.sidecarPath, let file = try? SpoolFile(root: root, relativePath: path) else { return nil }
        let count = Int(min(max(file.size, 0), Int64(RequestBuilder.maxSidecarBytes)))
        return (try? file.read(at: 0, count: count)).map { String(decoding: $0, as: UTF8.self) }
    }
}
