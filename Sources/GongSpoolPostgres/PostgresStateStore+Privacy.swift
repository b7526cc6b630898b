import Foundation
import GongSpoolCore
import PostgresNIO

extension PostgresStateStore {
    static let erasureColumns =
        "id, requestedAt, kind, subject, command, requestedBy, found, erased, inFlight, filesDeleted, filesLeft, gongOutcome, gongRequestId, finishedAt, "
        + "gongCheckedAt, gongCheck, gongConfirmedAt"

    public func recordErasure(_ erasure: ErasureRecord) async throws(StoreError) -> ErasureRecord {
        let ids = try await rows(
            """
            INSERT INTO erasures (requestedAt, kind, subject, command, requestedBy)
            VALUES (\(erasure.requestedAt), \(erasure.kind), \(erasure.subject), \(erasure.command), \(erasure.requestedBy)) RETURNING id
            """, as: { try $0.decode(Int64.self) })
        var inserted = erasure
        inserted.id = ids.first
        return inserted
    }

    public func updateErasure(_ erasure: ErasureRecord) async throws(StoreError) {
        guard let id = erasure.id else { throw .notFound("erasure without an id") }
        try await run(
            """
            UPDATE erasures SET found = \(erasure.found), erased = \(erasure.erased), inFlight = \(erasure.inFlight),
            filesDeleted = \(erasure.filesDeleted), filesLeft = \(erasure.filesLeft), gongOutcome = \(erasure.gongOutcome),
            gongRequestId = \(erasure.gongRequestId), finishedAt = \(erasure.finishedAt), gongCheckedAt = \(erasure.gongCheckedAt),
            gongCheck = \(erasure.gongCheck), gongConfirmedAt = \(erasure.gongConfirmedAt) WHERE id = \(id)
            """)
    }

    public func erasures() async throws(StoreError) -> [ErasureRecord] {
        try await rows(PostgresQuery(unsafeSQL: "SELECT \(Self.erasureColumns) FROM erasures ORDER BY id")) { row in
            let (
                id, at, kind, subject, command, by, found, erased, inFlight, deleted, left, outcome, requestId, finished, checkedAt, check,
                confirmedAt
            ) =
                try row.decode(
                    (Int64, Date, String, String, String, String, Int, Int, Int, Int, Int, String?, String?, Date?, Date?, String?, Date?).self)
            var erasure = ErasureRecord(subject: .phone(subject), requestedAt: at, command: command, requestedBy: by)
            erasure.id = id
            erasure.kind = kind
            erasure.found = found
            erasure.erased = erased
            erasure.inFlight = inFlight
            erasure.filesDeleted = deleted
            erasure.filesLeft = left
            erasure.gongOutcome = outcome
            erasure.gongRequestId = requestId
            erasure.finishedAt = finished
            erasure.gongCheckedAt = checkedAt
            erasure.gongCheck = check
            erasure.gongConfirmedAt = confirmedAt
            return erasure
        }
    }

    public func erasuresPending() async throws(StoreError) -> [Recording] {
        // In a fleet, a node finishes the erasures of its own spool (the files are there).
        guard let spool else {
            return try await recordings(
                "SELECT \(unescaped: Recording.postgresColumns) FROM recordings WHERE \(unescaped: SQLFragment.erasurePending) ORDER BY id")
        }
        return try await recordings(
            """
            SELECT \(unescaped: Recording.postgresColumns) FROM recordings WHERE spool = \(spool) AND \(unescaped: SQLFragment.erasurePending) ORDER BY id
            """)
    }
}
