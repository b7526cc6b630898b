import Foundation
import GRDB
import GongSpoolCore

extension SQLiteStateStore {
    /// The candidates of ``reconcileCandidates(deliveredSince:before:)``.
    static let reconcileCandidatesSQL = """
        SELECT id, callId, json_extract(requestJSON, '$.actualStart'), state FROM recordings INDEXED BY recordings_unconfirmed
        WHERE confirmedAt IS NULL AND state IN (\(SQLFragment.list(RecordingState.reconciledStates))) AND callId IS NOT NULL
          AND updatedAt >= ? AND updatedAt <= ?
        ORDER BY id
        """

    /// Delivered recordings not yet found in Gong's list (and those found missing before),
    /// delivered in `[since, before]`: `before` leaves Gong time to process a fresh call. A
    /// partial index of unconfirmed rows by delivery time is read over the window only (named:
    /// without statistics SQLite would pick the state index and walk every delivered row), so a
    /// year of history costs nothing here.
    public func reconcileCandidates(deliveredSince since: Date, before: Date) async throws(StoreError) -> [ReconcileCandidate] {
        try await read { db in
            let rows = try Row.fetchCursor(db, sql: Self.reconcileCandidatesSQL, arguments: [since, before])
            var out: [ReconcileCandidate] = []
            while let row = try rows.next() {
                guard let start = (row[2] as String?).flatMap(ISOTimestamp.parse), let state = RecordingState(rawValue: row[3]) else { continue }
                out.append(ReconcileCandidate(id: row[0], callId: row[1], start: start, state: state))
            }
            return out
        }
    }

    /// Records that Gong listed the calls of `candidates` (not a state change: no history line),
    /// for those that still own that call and are delivered: a row an operator moved meanwhile is
    /// left alone.
    public func confirmListed(_ candidates: [ReconcileCandidate], at date: Date) async throws(StoreError) {
        for batch in candidates.batches(of: 500) {
            try await write { db in
                let statement = try db.cachedStatement(sql: "UPDATE recordings SET confirmedAt = ? WHERE id = ? AND callId = ? AND state = ?")
                for candidate in batch {
                    try statement.execute(arguments: [date, candidate.id, candidate.callId, RecordingState.done.rawValue])
                }
            }
        }
    }
}
