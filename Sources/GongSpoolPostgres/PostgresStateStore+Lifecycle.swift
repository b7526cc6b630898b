import Foundation
import GongSpoolCore
import Logging
import PostgresNIO

extension PostgresStateStore {
    @discardableResult
    public func apply(_ id: Int64, _ event: LifecycleEvent, context: EventContext, evidence: Evidence?) async throws(StoreError) -> Applied {
        let me = node
        let logger = logger
        return try await transaction { connection in
            try await Self.apply(connection, logger, id, event, context, evidence, node: me)
        }
    }

    public func insert(_ recordings: [InsertPlan]) async throws(StoreError) -> [Recording] {
        guard let spool else { throw StoreError.sqlite("an operator command does not take recordings in") }
        let me = node
        let logger = logger
        return try await transaction { connection in
            var out: [Recording] = []
            for plan in recordings {
                var binds = plan.row.postgresBindings
                binds.append(spool)
                let inserted = try await connection.rows(
                    PostgresQuery(
                        unsafeSQL: """
                            INSERT INTO recordings (\(Recording.postgresBoundColumns), spool) VALUES (\(Recording.postgresPlaceholders), \(Recording.postgresNextPlaceholder))
                            ON CONFLICT (spool, stem) WHERE state = '\(RecordingState.pending.rawValue)' DO NOTHING RETURNING id
                            """, binds: binds), logger)
                // Another node took this stem in first (one pending row per spool and stem).
                guard let id = try inserted.first?.decode(Int64.self) else { continue }
                try await Self.record(connection, logger, plan.firstTransition(id: id), node: me, tallies: plan.tallies, row: id)
                out.append(plan.inserted(as: id))
            }
            return out
        }
    }

    public func observe(_ id: Int64, _ evidence: Evidence, now: Date) async throws(StoreError) {
        let logger = logger
        try await transaction { connection in
            guard let row = try await Self.lockedRow(connection, logger, id) else { throw StoreError.notFound("#\(id)") }
            try await Self.update(connection, logger, WritePlan.observing(row, evidence, now: now))
        }
    }

    /// Claims are serialised per id across the fleet by an advisory lock on the id's hash, and
    /// the UNIQUE column stays the last word.
    public func claim(_ id: Int64, clientUniqueId: String, evidence: Evidence, context: EventContext) async throws(StoreError) -> Applied {
        let me = node
        let logger = logger
        return try await transaction { connection in
            try await connection.run("SELECT pg_advisory_xact_lock(hashtext(\(clientUniqueId)))", logger)
            guard let row = try await Self.lockedRow(connection, logger, id) else { throw StoreError.notFound("#\(id)") }
            let needsOwner = ClaimDecision.needsOwner(row.lifecycle)
            var owner: Recording?
            if needsOwner {
                owner = try await connection.rows(
                    PostgresQuery(
                        unsafeSQL: "SELECT \(Recording.postgresColumns) FROM recordings WHERE clientUniqueId = $1 FOR UPDATE",
                        binds: Self.binds(clientUniqueId)), logger
                ).first.map(Recording.init(postgres:))
            }
            var sameAudio: [Recording] = []
            if needsOwner, owner == nil, let sha256 = evidence.sha256 {
                // Every node's rows: the two nodes of an HA pair may derive different ids for one file.
                try await connection.run("SELECT pg_advisory_xact_lock(hashtext(\("audio:" + sha256)))", logger)
                sameAudio = try await connection.rows(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT \(Recording.postgresColumns) FROM recordings
                            WHERE sha256 = $1 AND \(SQLFragment.stopsSameAudio) ORDER BY id LIMIT 16
                            """, binds: Self.binds(sha256)), logger
                ).map(Recording.init(postgres:))
            }
            let decision = ClaimDecision(
                claimant: row.claimParty, clientUniqueId: clientUniqueId, sha256: evidence.sha256,
                owner: owner?.claimParty, sameAudio: sameAudio.map(\.claimParty))
            if decision.ownerPassesIt, let ownerId = owner?.id {
                try await Self.apply(connection, logger, ownerId, .identityPassed(to: id), context, nil, node: nil)
            }
            return try await Self.apply(connection, logger, id, .claimed(decision.claim), context, evidence, node: me)
        }
    }

    @discardableResult
    public func applyToAll(in states: Set<RecordingState>, causes codes: Set<ErrorCode>, _ event: LifecycleEvent, context: EventContext)
        async throws(StoreError) -> Int
    {
        let logger = logger
        return try await transaction { connection in
            let ids = try await connection.rows(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT id FROM recordings WHERE state IN (\(SQLFragment.list(states))) AND lastErrorCode IN (\(SQLFragment.list(codes))) ORDER BY id
                        """), logger
            ).map { try $0.decode(Int64.self) }
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

    public func find(_ key: String) async throws(StoreError) -> Recording? {
        let columns = Recording.postgresColumns
        if let id = Int64(key), let row = try await recordings("SELECT \(unescaped: columns) FROM recordings WHERE id = \(id)").first { return row }
        if let row = try await recordings("SELECT \(unescaped: columns) FROM recordings WHERE clientUniqueId = \(key)").first { return row }
        // Skipped, held or a duplicate before (or without) owning the id its files give.
        if let row = try await recordings("SELECT \(unescaped: columns) FROM recordings WHERE filesClientUniqueId = \(key) ORDER BY id DESC LIMIT 1")
            .first
        {
            return row
        }
        // A stem or path: this spool's first, then any node's.
        return try await recordings(
            """
            SELECT \(unescaped: columns) FROM recordings WHERE stem = \(key) OR audioPath = \(key)
            ORDER BY (spool = \(spool ?? "")) DESC, id DESC LIMIT 1
            """
        ).first
    }

    /// Rows of `query` (selected with ``Recording/postgresColumns``).
    func recordings(_ query: PostgresQuery) async throws(StoreError) -> [Recording] {
        try await rows(query, as: Recording.init(postgres:))
    }

    // MARK: Inside a transaction

    /// Reads row `id` and locks it until the transaction ends.
    static func lockedRow(_ connection: PostgresConnection, _ logger: Logger, _ id: Int64) async throws -> Recording? {
        try await connection.rows(
            PostgresQuery(
                unsafeSQL: "SELECT \(Recording.postgresColumns) FROM recordings WHERE id = $1 FOR UPDATE",
                binds: binds(id)), logger
        ).first.map(Recording.init(postgres:))
    }

    /// One bound value.
    static func binds<T: PostgresNonThrowingEncodable>(_ value: T) -> PostgresBindings {
        var binds = PostgresBindings(capacity: 1)
        binds.append(value)
        return binds
    }

    /// Writes every column of `row`; with `freeingLease`, gives up whatever lease the row had.
    static func update(_ connection: PostgresConnection, _ logger: Logger, _ row: Recording, freeingLease: Bool = false) async throws {
        guard let id = row.id else { throw StoreError.notFound(row.stem) }
        var binds = row.postgresBindings
        binds.append(id)
        let lease = freeingLease ? ", leaseNode = NULL, leaseUntil = NULL" : ""
        try await connection.run(
            PostgresQuery(
                unsafeSQL: "UPDATE recordings SET \(Recording.postgresAssignments)\(lease) WHERE id = \(Recording.postgresNextPlaceholder)",
                binds: binds), logger)
    }

    /// Reads row `id`, asks its lifecycle for the ``WritePlan`` and executes it; then the
    /// cascade. With `node`, a row another live node holds the lease of is refused: that node is
    /// working on it (checked under the row's lock).
    @discardableResult
    static func apply(
        _ connection: PostgresConnection, _ logger: Logger, _ id: Int64, _ event: LifecycleEvent, _ context: EventContext,
        _ evidence: Evidence?, node: String?
    ) async throws -> Applied {
        // The row, locked, and who else holds a live lease on it (read under the same lock).
        var binds = binds(id)
        binds.append(node ?? "")
        guard
            let found = try await connection.rows(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT \(Recording.postgresColumns),
                               CASE WHEN leaseNode <> $2 AND leaseUntil > clock_timestamp() THEN leaseNode END
                        FROM recordings WHERE id = $1 FOR UPDATE
                        """, binds: binds), logger
            ).first
        else { throw StoreError.notFound("#\(id)") }
        if node != nil, let holder = try found.makeRandomAccess()[Recording.postgresColumnCount].decode(String?.self) {
            throw StoreError.leased(id: id, node: holder)
        }
        let plan = try WritePlan(changing: try Recording(postgres: found), by: event, context, evidence: evidence)
        if plan.deletesRow {
            try await connection.run("DELETE FROM recordings WHERE id = \(id)", logger)
        } else {
            try await update(connection, logger, plan.row, freeingLease: plan.leavesDelivery)
            if let tombstone = plan.historyReason {
                try await connection.run("UPDATE transitions SET reason = \(tombstone) WHERE recordingId = \(id)", logger)
            }
        }
        try await record(connection, logger, plan.transition, node: node, tallies: plan.tallies, row: id)
        if plan.reexaminesDuplicates {
            let copies = try await connection.rows(
                """
                SELECT id FROM recordings WHERE duplicateOf = \(id) AND state = \(RecordingState.duplicate.rawValue) ORDER BY id
                """, logger)
            for copy in copies {
                try await apply(connection, logger, try copy.decode(Int64.self), .originalFailed, context, nil, node: nil)
            }
        }
        return plan.applied
    }
}
