import Foundation
import GongSpoolCore
import PostgresNIO

extension PostgresStateStore {
    public func find(_ key: String) async throws(StoreError) -> Recording? {
        let columns = Recording.postgresColumns
        if let id = Int64(key), let row = try await recordings("SELECT \(unescaped: columns) FROM recordings WHERE id = \(id)").first { return row }
        if let row = try await recordings("SELECT \(unescaped: columns) FROM recordings WHERE clientUniqueId = \(key)").first { return row }
        // Skipped, held or a duplicate before (or without) owning the id its files give.
        if let row = try await recordings("SELECT \(unescaped: columns) FROM recordings WHERE filesClientUniqueId = \(key) ORDER BY id DESC LIMIT 1").first { return row }
        // A stem or path: this spool's first, then any node's.
        return try await recordings("""
            SELECT \(unescaped: columns) FROM recordings WHERE stem = \(key) OR audioPath = \(key)
            ORDER BY (spool = \(spool ?? "")) DESC, id DESC LIMIT 1
            """).first
    }

    public func recordings(in states: Set<RecordingState>?, limit: Int?) async throws(StoreError) -> [Recording] {
        let columns = Recording.postgresColumns
        let limit = Int64(limit ?? Int(Int32.max))
        if let states {
            return try await recordings("SELECT \(unescaped: columns) FROM recordings WHERE state = ANY(\(states.map(\.rawValue))) ORDER BY id LIMIT \(limit)")
        }
        return try await recordings("SELECT \(unescaped: columns) FROM recordings ORDER BY id LIMIT \(limit)")
    }

    public func countsByState() async throws(StoreError) -> [RecordingState: Int] {
        var counts = Dictionary(uniqueKeysWithValues: RecordingState.allCases.map { ($0, 0) })
        for row in try await rows("SELECT state, COUNT(*) FROM recordings GROUP BY state") {
            guard let (state, n) = try? row.decode((String, Int64).self), let known = RecordingState(rawValue: state) else { continue }
            counts[known] = Int(n)
        }
        return counts
    }

    public func history(of id: Int64) async throws(StoreError) -> [Transition] {
        try await transitions("""
            SELECT id, recordingId, at, fromState, toState, reason, errorCode, attempt FROM transitions WHERE recordingId = \(id) ORDER BY id
            """)
    }

    // MARK: Reconciliation

    public func reconcileCandidates(deliveredSince since: Date, before: Date) async throws(StoreError) -> [ReconcileCandidate] {
        var out: [ReconcileCandidate] = []
        for row in try await rows("""
            SELECT id, callId, (requestJSON::jsonb)->>'actualStart', state FROM recordings
            WHERE confirmedAt IS NULL AND state IN ('done', 'missing') AND callId IS NOT NULL AND updatedAt >= \(since) AND updatedAt <= \(before)
            ORDER BY id
            """) {
            guard let (id, callId, start, state) = try? row.decode((Int64, String, String?, String).self),
                  let date = start.flatMap(ISOTimestamp.parse), let known = RecordingState(rawValue: state) else { continue }
            out.append(ReconcileCandidate(id: id, callId: callId, start: date, state: known))
        }
        return out
    }

    public func confirmListed(_ candidates: [ReconcileCandidate], at date: Date) async throws(StoreError) {
        guard !candidates.isEmpty else { return }
        try await run("""
            UPDATE recordings SET confirmedAt = \(date)
            FROM unnest(\(candidates.map(\.id)), \(candidates.map(\.callId))) AS listed(id, callId)
            WHERE recordings.id = listed.id AND recordings.callId = listed.callId AND recordings.state = 'done'
            """)
    }

    public func skippedForContent(day: String) async throws(StoreError) -> [ErrorCode: Int] {
        var out: [ErrorCode: Int] = [:]
        for row in try await rows("SELECT code, recordings FROM savedByDay WHERE day = \(day)") {
            guard let (code, n) = try? row.decode((String, Int32).self), let known = ErrorCode(rawValue: code) else { continue }
            out[known] = Int(n)
        }
        return out
    }

    // MARK: Meta

    /// Keys that belong to one node (its own halt, its own user-list problem); the others
    /// (Gong's pause, the reconciliation) are the fleet's.
    static func isNodeKey(_ key: MetaKey) -> Bool {
        switch key {
        case .sendingHalted, .userListProblem, .examining, .examiningStrikes, .gongUnreachable, .spoolProblem: true
        case .pausedUntil, .lastReconciliation, .lastReconciliationAt, .systemId: false
        }
    }

    func key(_ key: MetaKey) -> String {
        if key == .systemId { return "\(key.rawValue)/spool/\(spool ?? "")" }
        return Self.isNodeKey(key) ? "\(key.rawValue)/\(node ?? ProcessInfo.processInfo.hostName)" : key.rawValue
    }

    public func setMetaIfAbsent(_ key: MetaKey, _ value: String) async throws(StoreError) -> String {
        let name = self.key(key)
        try await run("INSERT INTO meta (key, value) VALUES (\(name), \(value)) ON CONFLICT (key) DO NOTHING")
        return try await meta(raw: name) ?? value
    }

    public func meta(_ key: MetaKey) async throws(StoreError) -> String? {
        try await meta(raw: self.key(key))
    }

    public func setMeta(_ key: MetaKey, _ value: String?) async throws(StoreError) {
        try await setMeta(raw: self.key(key), value)
    }

    func meta(raw key: String) async throws(StoreError) -> String? {
        try await value("SELECT value FROM meta WHERE key = \(key)", String.self)
    }

    func setMeta(raw key: String, _ value: String?) async throws(StoreError) {
        if let value {
            try await run("INSERT INTO meta (key, value) VALUES (\(key), \(value)) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value")
        } else {
            try await run("DELETE FROM meta WHERE key = \(key)")
        }
    }

    // MARK: Gong's users

    public func replaceGongUsers(_ users: [DirectoryUser], fetchedAt: Date) async throws(StoreError) {
        let logger = logger
        try await transaction { connection in
            try await connection.run("DELETE FROM gongUsers", logger)
            for user in users {
                try await connection.run("""
                    INSERT INTO gongUsers (id, emailAddress, phoneNumber, extension, name, active, telephonyCallsImported)
                    VALUES (\(user.id), \(user.emailAddress), \(user.phoneNumber), \(user.phoneExtension), \(user.name), \(user.active), \(user.telephonyCallsImported))
                    ON CONFLICT (id) DO NOTHING
                    """, logger)
            }
            try await Self.setMeta(connection, logger, "gongUsersFetchedAt", String(fetchedAt.timeIntervalSince1970))
        }
    }

    public func gongUsersFetchedAt() async throws(StoreError) -> Date? {
        try await meta(raw: "gongUsersFetchedAt").flatMap(Double.init).map { Date(timeIntervalSince1970: $0) }
    }

    public func gongUsers() async throws(StoreError) -> [DirectoryUser] {
        try await rows("SELECT id, emailAddress, phoneNumber, extension, name, active, telephonyCallsImported FROM gongUsers ORDER BY id") { row in
            let (id, email, phone, ext, name, active, imported) = try row.decode((String, String?, String?, String?, String?, Bool?, Bool?).self)
            return DirectoryUser(id: id, emailAddress: email, phoneNumber: phone, phoneExtension: ext, name: name,
                                 active: active, telephonyCallsImported: imported)
        }
    }

    // MARK: Upkeep

    public func prune(finishedBefore cutoff: Date, all: Bool, stillInSpool: @escaping @Sendable (Recording) -> Bool) async throws(StoreError) -> PruneResult {
        let states = RecordingState.prunableStates.map(\.rawValue)
        var kept: [Int64] = []
        if all {
            let candidates = try await recordings("""
                SELECT \(unescaped: Recording.postgresColumns) FROM recordings WHERE state = ANY(\(states)) AND updatedAt < \(cutoff)
                """)
            kept = candidates.filter(stillInSpool).compactMap(\.id)
        }
        let keep = kept, logger = logger
        // A year of history may take a while to delete: longer than an ordinary answer.
        return try await transaction(timeout: 3600) { connection in
            var result = PruneResult()
            result.transitions = try await connection.rows("""
                DELETE FROM transitions WHERE recordingId IN (SELECT id FROM recordings WHERE state = ANY(\(states)) AND updatedAt < \(cutoff)) RETURNING 1
                """, logger).count
            if all {
                result.recordings = try await connection.rows("""
                    DELETE FROM recordings WHERE state = ANY(\(states)) AND updatedAt < \(cutoff) AND NOT (id = ANY(\(keep))) RETURNING 1
                    """, logger).count
                result.keptInSpool = keep.count
            }
            return result
        }
    }

    /// PostgreSQL is backed up with its own tools.
    public func backup(to path: String) async throws(StoreError) {
        throw .open(path: location, underlying: "a PostgreSQL state is backed up with pg_dump (see docs/fleet.md), not gongspool backup")
    }
}
