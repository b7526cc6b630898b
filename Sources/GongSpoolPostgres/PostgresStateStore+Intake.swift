import Foundation
import GongSpoolCore
import PostgresNIO

/// Intake's memory is per spool (the fleet-wide `spool` name): two nodes that read one spool
/// share it, so whichever holds the spool's intake lease carries on where the other stopped.
extension PostgresStateStore {
    /// The spool, or an error for an operator command that names none.
    func requireSpool() throws(StoreError) -> String {
        guard let spool else { throw StoreError.sqlite("no spool given to the state store") }
        return spool
    }

    public func directories() async throws(StoreError) -> [String: DirectoryState] {
        let spool = try requireSpool()
        let found = try await rows("SELECT path, mtimeNs, entryCount FROM directories WHERE spool = \(spool)") {
            try $0.decode((String, Int64, Int32).self)
        }
        return Dictionary(found.map { ($0.0, DirectoryState(mtimeNs: $0.1, entryCount: Int($0.2))) }, uniquingKeysWith: { $1 })
    }

    public func saveDirectories(changed: [String: DirectoryState], removed: [String]) async throws(StoreError) {
        guard !changed.isEmpty || !removed.isEmpty else { return }
        let spool = try requireSpool()
        let logger = logger
        try await transaction { connection in
            for (path, state) in changed {
                try await connection.run(
                    """
                    INSERT INTO directories (spool, path, mtimeNs, entryCount) VALUES (\(spool), \(path), \(state.mtimeNs), \(Int32(clamping: state.entryCount)))
                    ON CONFLICT (spool, path) DO UPDATE SET mtimeNs = EXCLUDED.mtimeNs, entryCount = EXCLUDED.entryCount
                    """, logger)
            }
            if !removed.isEmpty {
                try await connection.run("DELETE FROM directories WHERE spool = \(spool) AND path = ANY(\(removed))", logger)
            }
        }
    }

    /// The newest row of each stem in `stems` of this spool, as full rows.
    public func latestRows(stems: [String]) async throws(StoreError) -> [String: Recording] {
        let spool = try requireSpool()
        var out: [String: Recording] = [:]
        for slice in stems.batches(of: 500) {
            let batch = Array(slice)
            var binds = PostgresBindings(capacity: 2)
            binds.append(spool)
            binds.append(batch)
            for recording in try await recordings(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT DISTINCT ON (stem) \(Recording.postgresColumns) FROM recordings
                        WHERE spool = $1 AND stem = ANY($2) ORDER BY stem, id DESC
                        """, binds: binds))
            {
                out[recording.stem] = recording
            }
        }
        return out
    }

    public func intakeConcerns(_ current: [String: Fingerprint]) async throws(StoreError) -> (fresh: [String], needed: [String]) {
        let spool = try requireSpool()
        var fresh: [String] = []
        var needed: [String] = []
        let stems = Array(current.keys)
        for slice in stems.batches(of: 500) {
            let batch = Array(slice)
            var found = Set<String>(minimumCapacity: batch.count)
            let newest = try await rows(
                """
                SELECT DISTINCT ON (stem) stem, state, phase, audioPath, size, mtimeNs, inode, sidecarPath, sidecarSize, sidecarMtimeNs, lastErrorCode
                FROM recordings WHERE spool = \(spool) AND stem = ANY(\(batch)) ORDER BY stem, id DESC
                """
            ) { try $0.decode((String, String, String?, String?, Int64?, Int64?, Int64?, String?, Int64?, Int64?, String?).self) }
            for (stem, stateText, phase, audioPath, size, mtime, inode, sidecarPath, sidecarSize, sidecarMtime, code) in newest {
                found.insert(stem)
                guard let state = RecordingState(rawValue: stateText), let files = current[stem] else { continue }
                let stored = StoredFingerprint(
                    state: state, phase: phase.flatMap(Phase.init(rawValue:)),
                    code: state == .skipped ? code.flatMap(ErrorCode.init(rawValue:)) : nil,
                    fingerprint: Fingerprint(
                        audioPath: audioPath, size: size, mtimeNs: mtime, inode: inode,
                        sidecarPath: sidecarPath, sidecarSize: sidecarSize, sidecarMtimeNs: sidecarMtime))
                if stored.concernsIntake(files) { needed.append(stem) }
            }
            fresh += batch.filter { !found.contains($0) }
        }
        return (fresh, needed)
    }

    public func pendingRows() async throws(StoreError) -> [Recording] {
        let spool = try requireSpool()
        return try await recordings(
            "SELECT \(unescaped: Recording.postgresColumns) FROM recordings WHERE spool = \(spool) AND state = \(RecordingState.pending.rawValue) ORDER BY id"
        )
    }

    public func mayRunIntake() async throws(StoreError) -> Bool {
        guard let node else { return true }
        let spool = try requireSpool()
        let held = try await value(
            """
            INSERT INTO spoolLeases (spool, node, until) VALUES (\(spool), \(node), clock_timestamp() + \(leaseSeconds) * interval '1 second')
            ON CONFLICT (spool) DO UPDATE SET node = EXCLUDED.node, until = EXCLUDED.until
                WHERE spoolLeases.node = EXCLUDED.node OR spoolLeases.until < clock_timestamp()
            RETURNING node
            """, String.self)
        return held == node
    }
}
