import Foundation
import GongSpoolCore
import PostgresNIO

extension PostgresStateStore {
    public func reconcileCandidates(deliveredSince since: Date, before: Date) async throws(StoreError) -> [ReconcileCandidate] {
        var out: [ReconcileCandidate] = []
        for row in try await rows(
            """
            SELECT id, callId, (requestJSON::jsonb)->>'actualStart', state FROM recordings
            WHERE confirmedAt IS NULL AND state IN (\(unescaped: SQLFragment.list(RecordingState.reconciledStates))) AND callId IS NOT NULL AND updatedAt >= \(since) AND updatedAt <= \(before)
            ORDER BY id
            """)
        {
            guard let (id, callId, start, state) = try? row.decode((Int64, String, String?, String).self),
                let date = start.flatMap(ISOTimestamp.parse), let known = RecordingState(rawValue: state)
            else { continue }
            out.append(ReconcileCandidate(id: id, callId: callId, start: date, state: known))
        }
        return out
    }

    public func confirmListed(_ candidates: [ReconcileCandidate], at date: Date) async throws(StoreError) {
        guard !candidates.isEmpty else { return }
        try await run(
            """
            UPDATE recordings SET confirmedAt = \(date)
            FROM unnest(\(candidates.map(\.id)), \(candidates.map(\.callId))) AS listed(id, callId)
            WHERE recordings.id = listed.id AND recordings.callId = listed.callId AND recordings.state = \(RecordingState.done.rawValue)
            """)
    }
}
