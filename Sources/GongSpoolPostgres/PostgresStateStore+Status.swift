import Foundation
import GongSpoolCore
import PostgresNIO

extension PostgresStateStore {
    public func recordings(in states: Set<RecordingState>?, limit: Int?, newestFirst: Bool) async throws(StoreError) -> [Recording] {
        let limit = Int64(limit ?? Int(Int32.max))
        let filter = states.map { "WHERE state IN (\(SQLFragment.list($0)))" } ?? ""
        return try await recordings(
            PostgresQuery(
                unsafeSQL: "SELECT \(Recording.postgresColumns) FROM recordings \(filter) ORDER BY id \(newestFirst ? "DESC" : "ASC") LIMIT \(limit)")
        )
    }

    public func recordings(in states: Set<RecordingState>?, afterId: Int64, limit: Int) async throws(StoreError) -> [Recording] {
        let filter = states.map { " AND state IN (\(SQLFragment.list($0)))" } ?? ""
        return try await recordings(
            PostgresQuery(
                unsafeSQL: "SELECT \(Recording.postgresColumns) FROM recordings WHERE id > \(afterId)\(filter) ORDER BY id LIMIT \(Int64(limit))"))
    }

    public func countsByState() async throws(StoreError) -> [RecordingState: Int] {
        var counts = Dictionary(uniqueKeysWithValues: RecordingState.allCases.map { ($0, 0) })
        // The tallies: a few rows, whatever the history.
        for row in try await rows("SELECT state, SUM(n)::bigint FROM stateCounts GROUP BY state") {
            guard let (state, n) = try? row.decode((String, Int64).self), let known = RecordingState(rawValue: state) else { continue }
            counts[known] = Int(n)
        }
        return counts
    }

    public func history(of id: Int64) async throws(StoreError) -> [Transition] {
        try await transitions(
            """
            SELECT \(unescaped: Transition.postgresColumns) FROM transitions WHERE recordingId = \(id) ORDER BY id
            """)
    }

    public func queueFacts() async throws(StoreError) -> QueueFacts {
        var facts = QueueFacts()
        let queued = SQLFragment.inDelivery
        facts.requestsNeeded = Int(
            try await value(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT (\(QueueFacts.requestsNeededSQL))::bigint
                        FROM recordings WHERE \(queued)
                        """), Int64.self) ?? 0)
        facts.oldestQueuedSince =
            try await value(PostgresQuery(unsafeSQL: "SELECT MIN(firstSeenAt) FROM recordings WHERE \(queued)"), Date?.self) ?? nil
        facts.lastSuccess = try await metaDate(.lastSuccessAt)
        if let id = try await meta(.lastErrorTransition).flatMap(Int64.init) {
            facts.lastError = try await transitions("SELECT \(unescaped: Transition.postgresColumns) FROM transitions WHERE id = \(id)").first
        }
        return facts
    }

    public func skippedForContent(day: String) async throws(StoreError) -> [ErrorCode: Int] {
        var out: [ErrorCode: Int] = [:]
        for row in try await rows("SELECT code, recordings FROM savedByDay WHERE day = \(day)") {
            guard let (code, n) = try? row.decode((String, Int32).self), let known = ErrorCode(rawValue: code) else { continue }
            out[known] = Int(n)
        }
        return out
    }

    /// The first column of the first row of `query`, if any.
    func value<T: PostgresDecodable>(_ query: PostgresQuery, _ type: T.Type) async throws(StoreError) -> T? {
        try await rows(query) { try $0.decode(T.self) }.first
    }

    /// Transitions of `query`.
    func transitions(_ query: PostgresQuery) async throws(StoreError) -> [Transition] {
        try await rows(query, as: Transition.init(postgres:))
    }
}
