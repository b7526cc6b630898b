import Foundation
import GongSpoolCore
import PostgresNIO

extension PostgresStateStore {
    /// Versioned schema, applied in order under an advisory lock (nodes starting together migrate
    /// once), each in its own transaction and recorded in `schemaMigrations`. Never edit a
    /// shipped migration: add a new one. Identifiers are unquoted (PostgreSQL folds them to
    /// lower case); times are `timestamptz`.
    static let migrations: [(name: String, sql: String)] = [
        (
            "v1",
            """
            CREATE TABLE recordings (
                id BIGSERIAL PRIMARY KEY,
                spool TEXT NOT NULL,
                stem TEXT NOT NULL,
                clientUniqueId TEXT UNIQUE,
                state TEXT NOT NULL,
                phase TEXT,
                reason TEXT,
                audioPath TEXT,
                sidecarPath TEXT,
                mediaKind TEXT,
                size BIGINT,
                mtimeNs BIGINT,
                inode BIGINT,
                sidecarSize BIGINT,
                sidecarMtimeNs BIGINT,
                sha256 TEXT,
                requestJSON TEXT,
                callId TEXT,
                createRequestId TEXT,
                mediaRequestId TEXT,
                mediaURL TEXT,
                createsInDoubt INTEGER NOT NULL DEFAULT 0,
                uploadsInDoubt INTEGER NOT NULL DEFAULT 0,
                attempts INTEGER NOT NULL DEFAULT 0,
                nextAttemptAt TIMESTAMPTZ,
                duplicateOf BIGINT,
                lastErrorCode TEXT,
                failingSince TIMESTAMPTZ,
                checksWaived BOOLEAN NOT NULL DEFAULT FALSE,
                channelPeaksDb TEXT,
                silentChannels TEXT,
                confirmedAt TIMESTAMPTZ,
                goneCallId TEXT,
                firstSeenAt TIMESTAMPTZ NOT NULL,
                stableSince TIMESTAMPTZ NOT NULL,
                createdAt TIMESTAMPTZ NOT NULL,
                updatedAt TIMESTAMPTZ NOT NULL,
                leaseNode TEXT,
                leaseUntil TIMESTAMPTZ
            );
            CREATE INDEX recordings_spool_stem ON recordings (spool, stem, id);
            CREATE INDEX recordings_queue ON recordings (state, nextAttemptAt)
                WHERE state IN ('ready', 'creating', 'created', 'uploading', 'uploaded', 'waiting');
            CREATE INDEX recordings_state ON recordings (state);
            CREATE INDEX recordings_duplicateOf ON recordings (duplicateOf) WHERE duplicateOf IS NOT NULL;
            CREATE INDEX recordings_unconfirmed ON recordings (updatedAt) WHERE confirmedAt IS NULL AND state IN ('done', 'missing');
            CREATE TABLE transitions (
                id BIGSERIAL PRIMARY KEY,
                recordingId BIGINT NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
                at TIMESTAMPTZ NOT NULL,
                fromState TEXT,
                toState TEXT NOT NULL,
                reason TEXT,
                errorCode TEXT,
                attempt INTEGER NOT NULL DEFAULT 0,
                node TEXT
            );
            CREATE INDEX transitions_recording ON transitions (recordingId, id);
            CREATE TABLE dailyUsage (day TEXT PRIMARY KEY, requests INTEGER NOT NULL);
            CREATE TABLE nodeUsage (day TEXT NOT NULL, node TEXT NOT NULL, requests INTEGER NOT NULL, PRIMARY KEY (day, node));
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE gongUsers (
                id TEXT PRIMARY KEY, emailAddress TEXT, phoneNumber TEXT, extension TEXT, name TEXT,
                active BOOLEAN, telephonyCallsImported BOOLEAN
            );
            CREATE TABLE directories (
                spool TEXT NOT NULL, path TEXT NOT NULL, mtimeNs BIGINT NOT NULL, entryCount INTEGER NOT NULL,
                PRIMARY KEY (spool, path)
            );
            CREATE TABLE savedByDay (day TEXT NOT NULL, code TEXT NOT NULL, recordings INTEGER NOT NULL, PRIMARY KEY (day, code));
            CREATE TABLE budget (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                nextSlotAt TIMESTAMPTZ NOT NULL,
                pausedUntil TIMESTAMPTZ NOT NULL
            );
            INSERT INTO budget (id, nextSlotAt, pausedUntil) VALUES (1, '-infinity', '-infinity');
            CREATE TABLE nodes (
                name TEXT PRIMARY KEY,
                instance TEXT NOT NULL,
                host TEXT NOT NULL,
                pid INTEGER NOT NULL,
                version TEXT NOT NULL,
                spool TEXT NOT NULL,
                startedAt TIMESTAMPTZ NOT NULL,
                lastSeen TIMESTAMPTZ NOT NULL,
                stoppedAt TIMESTAMPTZ
            );
            CREATE TABLE spoolLeases (spool TEXT PRIMARY KEY, node TEXT NOT NULL, until TIMESTAMPTZ NOT NULL);
            """
        ),
        // Intake takes a file in once: at most one pending row per spool and stem, so two nodes
        // that both believe they run a spool's intake cannot both insert it. Any found are held
        // for a person, not deleted.
        (
            "v2-one-pending-row-per-stem",
            """
            UPDATE recordings r SET state = 'held', phase = 'intake', lastErrorCode = 'internal',
                reason = 'a second pending row for the same file (two intake nodes at once, before GongSpool 1.2): held for a person — if the other row delivered it, gongspool forget ID'
            WHERE r.state = 'pending' AND EXISTS (SELECT 1 FROM recordings o WHERE o.state = 'pending' AND o.spool = r.spool AND o.stem = r.stem AND o.id < r.id);
            CREATE UNIQUE INDEX recordings_pending_stem ON recordings (spool, stem) WHERE state = 'pending';
            """
        ),
        // The bytes each upload in doubt carried; the id a row's files give, claimed or not; the
        // same audio under another clientUniqueId is found before any request is spent; the
        // fleet's real send times (a request leaves only when the window allows it).
        (
            "v3-bytes-in-doubt-and-audio-index",
            """
            ALTER TABLE recordings ADD COLUMN uploadDigestsInDoubt TEXT;
            ALTER TABLE recordings ADD COLUMN filesClientUniqueId TEXT;
            CREATE INDEX recordings_sha256 ON recordings (sha256) WHERE sha256 IS NOT NULL AND clientUniqueId IS NOT NULL;
            CREATE INDEX recordings_files_client_unique_id ON recordings (filesClientUniqueId) WHERE filesClientUniqueId IS NOT NULL;
            CREATE TABLE sends (sentAt TIMESTAMPTZ NOT NULL);
            CREATE INDEX sends_at ON sends (sentAt);
            """
        ),
        // Rows per state kept as they change (``Tallies``, as SQLite keeps them): status and the
        // metrics of every node read a few rows instead of counting a year of history. Each
        // state's count is spread over shards (by row id), so that the workers of a fleet do not
        // all wait for the lock of one row per state; a count is the sum of its shards.
        (
            "v4-state-counts",
            """
            CREATE TABLE stateCounts (state TEXT NOT NULL, shard INTEGER NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (state, shard));
            INSERT INTO stateCounts (state, shard, n) SELECT state, 0, COUNT(*) FROM recordings GROUP BY state
            """
        ),
        // `gongspool erase`: the fleet's audit, and the never-send list it extends.
        (
            "v5-erasures",
            """
            CREATE TABLE erasures (
                id BIGSERIAL PRIMARY KEY, requestedAt TIMESTAMPTZ NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL,
                command TEXT NOT NULL, requestedBy TEXT NOT NULL, found INTEGER NOT NULL DEFAULT 0, erased INTEGER NOT NULL DEFAULT 0,
                inFlight INTEGER NOT NULL DEFAULT 0, filesDeleted INTEGER NOT NULL DEFAULT 0, filesLeft INTEGER NOT NULL DEFAULT 0,
                gongOutcome TEXT, gongRequestId TEXT, finishedAt TIMESTAMPTZ
            );
            CREATE INDEX recordings_erasure_pending ON recordings (spool, id) WHERE \(SQLFragment.erasurePending)
            """
        ),
        (
            "v6-erasure-checks",
            """
            ALTER TABLE erasures ADD COLUMN gongCheckedAt TIMESTAMPTZ, ADD COLUMN gongCheck TEXT, ADD COLUMN gongConfirmedAt TIMESTAMPTZ
            """
        ),
    ]

    /// Applies the migrations this database lacks.
    func migrate() async throws {
        try await client.withTransaction(logger: logger) { connection in
            // One migrating node at a time; the lock ends with the transaction.
            try await connection.run("SELECT pg_advisory_xact_lock(727001)", logger)
            try await connection.run(
                "CREATE TABLE IF NOT EXISTS schemaMigrations (name TEXT PRIMARY KEY, appliedAt TIMESTAMPTZ NOT NULL DEFAULT now())", logger)
            var applied = Set<String>()
            for row in try await connection.rows("SELECT name FROM schemaMigrations", logger) {
                applied.insert(try row.decode(String.self))
            }
            for migration in Self.migrations where !applied.contains(migration.name) {
                // The extended protocol takes one statement at a time.
                for statement in migration.sql.components(separatedBy: ";\n") where !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                {
                    try await connection.run(PostgresQuery(unsafeSQL: statement), logger)
                }
                try await connection.run("INSERT INTO schemaMigrations (name) VALUES (\(migration.name))", logger)
            }
        }
    }
}
