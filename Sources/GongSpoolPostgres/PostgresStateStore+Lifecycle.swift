import Foundation
import GongSpoolCore
import Logging
import PostgresNIO

extension PostgresStateStore {
    @discardableResult
    public func apply(_ id: Int64, _ event: LifecycleEvent, context: EventContext, evidence: Evidence?) async throws(StoreError) -> Applied {
        let me = node, logger = logger
        return try await transaction { connection in
            try await Self.apply(connection, logger, id, event, context, evidence, node: me)
        }
    }

    public func insert(_ recordings: [(stem: String, lifecycle: RecordingLifecycle, evidence: Evidence)], now: Date) async throws(StoreError) -> [Recording] {
        guard let spool else { throw StoreError.sqlite("an operator command does not take recordings in") }
        let me = node, logger = logger
        return try await transaction { connection in
            var out: [Recording] = []
            for (stem, lifecycle, evidence) in recordings {
                var row = Recording(stem: stem, now: now)
                row.store(lifecycle)
                evidence.apply(to: &row)
                var binds = row.postgresBindings
                binds.append(spool)
                let inserted = try await connection.rows(PostgresQuery(unsafeSQL: """
                    INSERT INTO recordings (\(Recording.postgresBoundColumns), spool) VALUES (\(Recording.postgresPlaceholders), \(Recording.postgresNextPlaceholder))
                    ON CONFLICT (spool, stem) WHERE state = 'pending' DO NOTHING RETURNING id
                    """, binds: binds), logger)
                // Another node took this stem in first (one pending row per spool and stem).
                guard let id = try inserted.first?.decode(Int64.self) else { continue }
                row.id = id
                let first = Transition(id: nil, recordingId: id, at: now, fromState: nil, toState: row.state,
                                       reason: row.reason, errorCode: row.lastErrorCode, attempt: row.attempts)
                try await Self.record(connection, logger, first, node: me)
                out.append(row)
            }
            return out
        }
    }

    public func observe(_ id: Int64, _ evidence: Evidence, now: Date) async throws(StoreError) {
        let logger = logger
        try await transaction { connection in
            guard var row = try await Self.lockedRow(connection, logger, id) else { throw StoreError.notFound("#\(id)") }
            evidence.apply(to: &row)
            row.updatedAt = now
            try await Self.update(connection, logger, row)
        }
    }

    /// Claims are serialised per id across the fleet by an advisory lock on the id's hash, and
    /// the UNIQUE column stays the last word.
    public func claim(_ id: Int64, clientUniqueId: String, evidence: Evidence, context: EventContext) async throws(StoreError) -> Applied {
        let me = node, logger = logger
        return try await transaction { connection in
            try await connection.run("SELECT pg_advisory_xact_lock(hashtext(\(clientUniqueId)))", logger)
            guard let row = try await Self.lockedRow(connection, logger, id) else { throw StoreError.notFound("#\(id)") }
            var owner: Recording?
            if ClaimDecision.needsOwner(row) {
                owner = try await connection.rows(PostgresQuery(unsafeSQL: "SELECT \(Recording.postgresColumns) FROM recordings WHERE clientUniqueId = $1 FOR UPDATE",
                                                                binds: Self.binds(clientUniqueId)), logger).first.map(Recording.init(postgres:))
            }
            var sameAudio: [Recording] = []
            if ClaimDecision.needsOwner(row), owner == nil, let sha256 = evidence.sha256 {
                // Every node's rows: the two nodes of an HA pair may derive different ids for one file.
                try await connection.run("SELECT pg_advisory_xact_lock(hashtext(\("audio:" + sha256)))", logger)
                sameAudio = try await connection.rows(PostgresQuery(unsafeSQL: """
                    SELECT \(Recording.postgresColumns) FROM recordings
                    WHERE sha256 = $1 AND clientUniqueId IS NOT NULL AND state = ANY($2) ORDER BY id LIMIT 16
                    """, binds: Self.binds(sha256, ClaimDecision.sameAudioStates.map(\.rawValue))), logger).map(Recording.init(postgres:))
            }
            let decision = ClaimDecision(row: row, clientUniqueId: clientUniqueId, owner: owner, sha256: evidence.sha256, sameAudio: sameAudio)
            if decision.ownerPassesIt, let ownerId = owner?.id {
                try await Self.apply(connection, logger, ownerId, .identityPassed(to: id), context, nil, node: nil)
            }
            return try await Self.apply(connection, logger, id, .claimed(decision.claim), context, evidence, node: me)
        }
    }

    @discardableResult
    public func applyToAll(in states: Set<RecordingState>, causes codes: Set<ErrorCode>, _ event: LifecycleEvent, context: EventContext) async throws(StoreError) -> Int {
        let logger = logger
        return try await transaction { connection in
            let ids = try await connection.rows("""
                SELECT id FROM recordings WHERE state = ANY(\(states.map(\.rawValue))) AND lastErrorCode = ANY(\(codes.map(\.rawValue))) ORDER BY id
                """, logger).map { try $0.decode(Int64.self) }
            var changed = 0
            for id in ids {
                do {
                    try await Self.apply(connection, logger, id, event, context, nil, node: nil)
                    changed += 1
                } catch StoreError.refused {
                    continue
                }
            }
            return changed
        }
    }

    // MARK: Inside a transaction

    /// Reads row `id` and locks it until the transaction ends.
    static func lockedRow(_ connection: PostgresConnection, _ logger: Logger, _ id: Int64) async throws -> Recording? {
        try await connection.rows(PostgresQuery(unsafeSQL: "SELECT \(Recording.postgresColumns) FROM recordings WHERE id = $1 FOR UPDATE",
                                                binds: binds(id)), logger).first.map(Recording.init(postgres:))
    }

    /// One bound value.
    static func binds<T: PostgresNonThrowingEncodable>(_ value: T) -> PostgresBindings {
        var binds = PostgresBindings(capacity: 1)
        binds.append(value)
        return binds
    }

    static func binds<T: PostgresNonThrowingEncodable, U: PostgresNonThrowingEncodable>(_ first: T, _ second: U) -> PostgresBindings {
        var binds = PostgresBindings(capacity: 2)
        binds.append(first)
        binds.append(second)
        return binds
    }

    /// Writes every column of `row`; with `freeingLease`, gives up whatever lease the row had.
    static func update(_ connection: PostgresConnection, _ logger: Logger, _ row: Recording, freeingLease: Bool = false) async throws {
        guard let id = row.id else { throw StoreError.notFound(row.stem) }
        var binds = row.postgresBindings
        binds.append(id)
        let lease = freeingLease ? ", leaseNode = NULL, leaseUntil = NULL" : ""
        try await connection.run(PostgresQuery(unsafeSQL: "UPDATE recordings SET \(Recording.postgresAssignments)\(lease) WHERE id = \(Recording.postgresNextPlaceholder)", binds: binds), logger)
    }

    /// The lifecycle's change of row `id` (see ``RowChange``). With `node`, a row another live
    /// node holds the lease of is refused: that node is working on it (checked under the row's lock).
    @discardableResult
    static func apply(_ connection: PostgresConnection, _ logger: Logger, _ id: Int64, _ event: LifecycleEvent, _ context: EventContext,
                      _ evidence: Evidence?, node: String?) async throws -> Applied {
        // The row, locked, and who else holds a live lease on it (read under the same lock).
        var binds = binds(id)
        binds.append(node ?? "")
        guard let found = try await connection.rows(PostgresQuery(unsafeSQL: """
            SELECT \(Recording.postgresColumns),
                   CASE WHEN leaseNode <> $2 AND leaseUntil > clock_timestamp() THEN leaseNode END
            FROM recordings WHERE id = $1 FOR UPDATE
            """, binds: binds), logger).first else { throw StoreError.notFound("#\(id)") }
        if node != nil, let holder = try found.makeRandomAccess()[Recording.postgresColumnCount].decode(String?.self) {
            throw StoreError.leased(id: id, node: holder)
        }
        let change = try RowChange(try Recording(postgres: found), event, context, evidence)
        if change.deletesRow {
            try await connection.run("DELETE FROM recordings WHERE id = \(id)", logger)
        } else {
            // Nothing left to send for now: the row is free for whichever node picks it up next.
            try await update(connection, logger, change.row, freeingLease: !RecordingState.deliveryStates.contains(change.row.state))
            if let transition = change.transition { try await record(connection, logger, transition, node: node) }
        }
        if change.reexaminesDuplicates {
            let copies = try await connection.rows("SELECT id FROM recordings WHERE duplicateOf = \(id) AND state = 'duplicate' ORDER BY id", logger)
            for copy in copies {
                try await apply(connection, logger, try copy.decode(Int64.self), .originalFailed, context, nil, node: nil)
            }
        }
        return change.applied
    }

    /// Appends a history line and keeps what `status` reads from it current (SQLite does this
    /// with triggers): the last delivery, the last error, what content checks saved per day.
    static func record(_ connection: PostgresConnection, _ logger: Logger, _ transition: Transition, node: String?) async throws {
        let inserted = try await connection.rows("""
            INSERT INTO transitions (recordingId, at, fromState, toState, reason, errorCode, attempt, node)
            VALUES (\(transition.recordingId), \(transition.at), \(transition.fromState?.rawValue), \(transition.toState.rawValue),
                    \(transition.reason), \(transition.errorCode?.rawValue), \(Int32(clamping: transition.attempt)), \(node))
            RETURNING id
            """, logger)
        if transition.toState == .done && transition.fromState != .missing {
            try await setMeta(connection, logger, "lastSuccessAt", String(transition.at.timeIntervalSince1970))
        }
        if transition.errorCode != nil, let id = try inserted.first?.decode(Int64.self) {
            try await setMeta(connection, logger, "lastErrorTransition", String(id))
        }
        if transition.toState == .skipped, let code = transition.errorCode, code == .mediaTooShort || code == .mediaSilent {
            try await connection.run("""
                INSERT INTO savedByDay (day, code, recordings) VALUES (\(RequestGate.utcDay(transition.at)), \(code.rawValue), 1)
                ON CONFLICT (day, code) DO UPDATE SET recordings = savedByDay.recordings + 1
                """, logger)
        }
    }

    /// Sets (or, with `nil`, removes) a `meta` key.
    static func setMeta(_ connection: PostgresConnection, _ logger: Logger, _ key: String, _ value: String?) async throws {
        if let value {
            try await connection.run("INSERT INTO meta (key, value) VALUES (\(key), \(value)) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", logger)
        } else {
            try await connection.run("DELETE FROM meta WHERE key = \(key)", logger)
        }
    }
}
