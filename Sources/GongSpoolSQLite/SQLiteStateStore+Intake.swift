import Foundation
import GRDB
import GongSpoolCore

extension SQLiteStateStore {
    /// The remembered spool directories (relative path, `""` for the root).
    public func directories() async throws(StoreError) -> [String: DirectoryState] {
        try await read { db in
            var out: [String: DirectoryState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT path, mtimeNs, entryCount FROM directories") {
                out[row["path"]] = DirectoryState(mtimeNs: row["mtimeNs"], entryCount: row["entryCount"])
            }
            return out
        }
    }

    /// Records changed directories and forgets vanished ones, in one transaction.
    public func saveDirectories(changed: [String: DirectoryState], removed: [String]) async throws(StoreError) {
        guard !changed.isEmpty || !removed.isEmpty else { return }
        try await write { db in
            for (path, state) in changed {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO directories(path, mtimeNs, entryCount) VALUES (?, ?, ?)",
                    arguments: [path, state.mtimeNs, state.entryCount])
            }
            for path in removed {
                try db.execute(sql: "DELETE FROM directories WHERE path = ?", arguments: [path])
            }
        }
    }

    /// The newest row of each of `stems` (one indexed query per 500 stems; memory bounded by the batch).
    public func latestRows(stems: [String]) async throws(StoreError) -> [String: Recording] {
        try await newestPerStem(stems, columns: "*") { row in (row["stem"], try Recording(row: row)) }
    }

    /// Runs `SELECT columns` on the newest row of each of `stems`, 500 stems per query, and
    /// collects `decode`'s pairs.
    func newestPerStem<T: Sendable>(
        _ stems: [String], columns: String,
        decode: @escaping @Sendable (Row) throws -> (String, T)?
    ) async throws(StoreError) -> [String: T] {
        var out: [String: T] = [:]
        for slice in stems.batches(of: 500) {
            let batch = Array(slice)
            let found = try await read { db in
                let marks = Array(repeating: "?", count: batch.count).joined(separator: ",")
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(columns) FROM recordings WHERE id IN (SELECT MAX(id) FROM recordings WHERE stem IN (\(marks)) GROUP BY stem)
                        """, arguments: StatementArguments(batch))
                return try rows.compactMap(decode)
            }
            for (stem, value) in found { out[stem] = value }
        }
        return out
    }

    /// Every `pending` row (intake's working set; small in steady state).
    public func pendingRows() async throws(StoreError) -> [Recording] {
        try await read { db in
            try Recording.filter(Column("state") == RecordingState.pending.rawValue).order(Column("id")).fetchAll(db)
        }
    }
}

extension SQLiteStateStore {
    /// Sorts the stems of `current` (the files as listed now) by what intake has to do: `fresh`
    /// have no row yet, `needed` have a row intake must look at (see
    /// ``StoredFingerprint/concernsIntake(_:)``); the rest — a year of finished recordings in an
    /// unchanged folder — need nothing. The newest row of each stem is compared where it is read,
    /// 500 stems per query through a cursor: nothing per row is kept.
    public func intakeConcerns(_ current: [String: Fingerprint]) async throws(StoreError) -> (fresh: [String], needed: [String]) {
        var fresh: [String] = []
        var needed: [String] = []
        let stems = Array(current.keys)
        for slice in stems.batches(of: 500) {
            let batch = Array(slice)
            let (found, concern) = try await read { db -> (Set<String>, [String]) in
                let marks = Array(repeating: "?", count: batch.count).joined(separator: ",")
                // Columns by position: looking them up by name per row cost a quarter of a full rescan.
                let rows = try Row.fetchCursor(
                    db.cachedStatement(
                        sql: """
                            SELECT stem, state, phase, audioPath, size, mtimeNs, inode, sidecarPath, sidecarSize, sidecarMtimeNs, lastErrorCode
                            FROM recordings WHERE id IN (SELECT MAX(id) FROM recordings WHERE stem IN (\(marks)) GROUP BY stem)
                            """), arguments: StatementArguments(batch))
                var found = Set<String>(minimumCapacity: batch.count)
                var concern: [String] = []
                while let row = try rows.next() {
                    let stem: String = row[0]
                    found.insert(stem)
                    guard let state = RecordingState(rawValue: row[1]), let files = current[stem] else { continue }
                    let stored = StoredFingerprint(
                        state: state, phase: (row[2] as String?).flatMap(Phase.init(rawValue:)),
                        code: state == .skipped ? (row[10] as String?).flatMap(ErrorCode.init(rawValue:)) : nil,
                        fingerprint: Fingerprint(
                            audioPath: row[3], size: row[4], mtimeNs: row[5], inode: row[6],
                            sidecarPath: row[7], sidecarSize: row[8], sidecarMtimeNs: row[9]))
                    if stored.concernsIntake(files) { concern.append(stem) }
                }
                return (found, concern)
            }
            fresh += batch.filter { !found.contains($0) }
            needed += concern
        }
        return (fresh, needed)
    }

    /// One node reads a SQLite state's spool: always.
    public func mayRunIntake() async throws(StoreError) -> Bool { true }
}
