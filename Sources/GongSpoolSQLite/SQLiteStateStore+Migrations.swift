import GRDB
import GongSpoolCore

extension SQLiteStateStore {
    /// Versioned schema. Never edit a shipped migration: add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE recordings (
                        id INTEGER PRIMARY KEY,
                        stem TEXT NOT NULL,
                        clientUniqueId TEXT UNIQUE,
                        state TEXT NOT NULL,
                        reason TEXT,
                        audioPath TEXT,
                        sidecarPath TEXT,
                        mediaKind TEXT,
                        size INTEGER,
                        mtimeNs INTEGER,
                        inode INTEGER,
                        sidecarSize INTEGER,
                        sidecarMtimeNs INTEGER,
                        sha256 TEXT,
                        requestJSON TEXT,
                        callId TEXT,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        nextAttemptAt DOUBLE,
                        lastErrorCode TEXT,
                        lastErrorMessage TEXT,
                        firstSeenAt DOUBLE NOT NULL,
                        stableSince DOUBLE NOT NULL,
                        firstAttemptAt DOUBLE,
                        createdAt DOUBLE NOT NULL,
                        updatedAt DOUBLE NOT NULL
                    );
                    CREATE INDEX recordings_stem ON recordings(stem);
                    CREATE INDEX recordings_state ON recordings(state, nextAttemptAt);
                    CREATE TABLE transitions (
                        id INTEGER PRIMARY KEY,
                        recordingId INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
                        at DOUBLE NOT NULL,
                        fromState TEXT,
                        toState TEXT NOT NULL,
                        reason TEXT,
                        errorCode TEXT,
                        attempt INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE INDEX transitions_recording ON transitions(recordingId, id);
                    CREATE TABLE dailyUsage (
                        day TEXT PRIMARY KEY,
                        requests INTEGER NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2-meta") { db in
            try db.execute(sql: "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        }
        migrator.registerMigration("v3-gong-users") { db in
            try db.execute(
                sql: """
                    CREATE TABLE gongUsers (
                        id TEXT PRIMARY KEY,
                        emailAddress TEXT,
                        phoneNumber TEXT,
                        extension TEXT,
                        name TEXT,
                        active INTEGER,
                        telephonyCallsImported INTEGER
                    )
                    """)
        }
        migrator.registerMigration("v4-directories") { db in
            try db.execute(
                sql: """
                    CREATE TABLE directories (
                        path TEXT PRIMARY KEY,
                        mtimeNs INTEGER NOT NULL,
                        entryCount INTEGER NOT NULL
                    );
                    CREATE INDEX recordings_stem_id ON recordings(stem, id);
                    """)
        }
        migrator.registerMigration("v5-lifecycle") { db in
            // Rows keep their state; the new columns say where waiting/held rows resume and which
            // requests may have reached Gong (an in-flight row counts one, as the old code assumed).
            try db.execute(
                sql: """
                    ALTER TABLE recordings ADD COLUMN phase TEXT;
                    ALTER TABLE recordings ADD COLUMN createsInDoubt INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE recordings ADD COLUMN uploadsInDoubt INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE recordings ADD COLUMN duplicateOf INTEGER;
                    ALTER TABLE recordings ADD COLUMN failingSince DOUBLE;
                    UPDATE recordings SET phase = CASE
                        WHEN clientUniqueId IS NULL THEN 'intake'
                        WHEN lastErrorCode = 'after_upload_failed' THEN 'finish'
                        WHEN callId IS NULL THEN 'create'
                        ELSE 'upload' END
                    WHERE state IN ('waiting', 'held');
                    UPDATE recordings SET failingSince = firstAttemptAt WHERE state = 'waiting';
                    UPDATE recordings SET createsInDoubt = 1 WHERE state = 'creating';
                    UPDATE recordings SET uploadsInDoubt = 1 WHERE state = 'uploading';
                    UPDATE recordings SET state = 'waiting', phase = 'finish' WHERE state = 'uploaded' AND nextAttemptAt IS NOT NULL;
                    CREATE INDEX recordings_duplicateOf ON recordings(duplicateOf) WHERE duplicateOf IS NOT NULL;
                    """)
        }
        migrator.registerMigration("v6-gong-references") { db in
            try db.execute(
                sql: """
                    ALTER TABLE recordings ADD COLUMN createRequestId TEXT;
                    ALTER TABLE recordings ADD COLUMN mediaRequestId TEXT;
                    ALTER TABLE recordings ADD COLUMN mediaURL TEXT;
                    """)
        }
        migrator.registerMigration("v7-counted") { db in
            // What status, /healthz and the metrics read every few seconds, kept current by
            // triggers so reading it costs the same with a year of history as with none.
            try db.execute(
                sql: """
                    CREATE TABLE stateCounts (state TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
                    INSERT INTO stateCounts(state, n) SELECT state, COUNT(*) FROM recordings GROUP BY state;
                    CREATE TRIGGER recordings_counted_insert AFTER INSERT ON recordings BEGIN
                        INSERT INTO stateCounts(state, n) VALUES (NEW.state, 1) ON CONFLICT(state) DO UPDATE SET n = n + 1;
                    END;
                    CREATE TRIGGER recordings_counted_delete AFTER DELETE ON recordings BEGIN
                        UPDATE stateCounts SET n = n - 1 WHERE state = OLD.state;
                    END;
                    CREATE TRIGGER recordings_counted_update AFTER UPDATE OF state ON recordings WHEN OLD.state IS NOT NEW.state BEGIN
                        UPDATE stateCounts SET n = n - 1 WHERE state = OLD.state;
                        INSERT INTO stateCounts(state, n) VALUES (NEW.state, 1) ON CONFLICT(state) DO UPDATE SET n = n + 1;
                    END;
                    INSERT OR REPLACE INTO meta(key, value)
                        SELECT 'lastSuccessAt', MAX(at) FROM transitions WHERE toState = 'done' HAVING MAX(at) IS NOT NULL;
                    INSERT OR REPLACE INTO meta(key, value)
                        SELECT 'lastErrorTransition', MAX(id) FROM transitions WHERE errorCode IS NOT NULL HAVING MAX(id) IS NOT NULL;
                    CREATE TRIGGER transitions_last_success AFTER INSERT ON transitions WHEN NEW.toState = 'done' BEGIN
                        INSERT OR REPLACE INTO meta(key, value) VALUES ('lastSuccessAt', NEW.at);
                    END;
                    CREATE TRIGGER transitions_last_error AFTER INSERT ON transitions WHEN NEW.errorCode IS NOT NULL BEGIN
                        INSERT OR REPLACE INTO meta(key, value) VALUES ('lastErrorTransition', NEW.id);
                    END;
                    """)
        }
        migrator.registerMigration("v8-one-stem-index") { db in
            // (stem, id) serves every stem lookup; (stem) alone only cost an index write per row.
            try db.execute(sql: "DROP INDEX IF EXISTS recordings_stem")
        }
        migrator.registerMigration("v9-content-and-reconciliation") { db in
            try db.alter(table: "recordings") { table in
                table.add(column: "checksWaived", .boolean).notNull().defaults(to: false)
                table.add(column: "channelPeaksDb", .text)
                table.add(column: "silentChannels", .text)
                table.add(column: "confirmedAt", .double)
                table.add(column: "goneCallId", .text)
            }
            // What intake did not have to send, per UTC day and cause, kept as it happens (status
            // and metrics read a row, not the history).
            try db.execute(
                sql: """
                    CREATE TABLE savedByDay (day TEXT NOT NULL, code TEXT NOT NULL, recordings INTEGER NOT NULL, PRIMARY KEY (day, code));
                    CREATE TRIGGER transitions_saved AFTER INSERT ON transitions
                    WHEN NEW.toState = 'skipped' AND NEW.errorCode IN ('media_too_short', 'media_silent') BEGIN
                        INSERT INTO savedByDay(day, code, recordings) VALUES (substr(NEW.at, 1, 10), NEW.errorCode, 1)
                        ON CONFLICT(day, code) DO UPDATE SET recordings = recordings + 1;
                    END;
                    CREATE INDEX recordings_unconfirmed ON recordings(updatedAt) WHERE confirmedAt IS NULL AND state IN ('done', 'missing');
                    -- A recording found again in Gong's list (or accepted) is not a delivery.
                    DROP TRIGGER transitions_last_success;
                    CREATE TRIGGER transitions_last_success AFTER INSERT ON transitions
                    WHEN NEW.toState = 'done' AND NEW.fromState IS NOT 'missing' BEGIN
                        INSERT OR REPLACE INTO meta(key, value) VALUES ('lastSuccessAt', NEW.at);
                    END;
                    """)
        }
        migrator.registerMigration("v10-one-pending-row-per-stem") { db in
            // Intake takes a file in once: at most one pending row per stem (a second would be a
            // second recording of the same files). Any found are held for a person, not deleted.
            try db.execute(
                sql: """
                    UPDATE recordings SET state = 'held', phase = 'intake', lastErrorCode = 'internal',
                        reason = 'a second pending row for the same file (two intake nodes at once, before GongSpool 1.2): held for a person — if the other row delivered it, gongspool forget ID'
                    WHERE state = 'pending' AND EXISTS (SELECT 1 FROM recordings o WHERE o.state = 'pending' AND o.stem = recordings.stem AND o.id < recordings.id);
                    CREATE UNIQUE INDEX recordings_pending_stem ON recordings(stem) WHERE state = 'pending';
                    """)
        }
        migrator.registerMigration("v11-bytes-in-doubt-and-audio-index") { db in
            try db.alter(table: "recordings") { table in
                table.add(column: "uploadDigestsInDoubt", .text)
                table.add(column: "filesClientUniqueId", .text)
            }
            // The same audio under another clientUniqueId is found before any request is spent;
            // a row is found by the id its files give, claimed or not.
            try db.execute(
                sql: """
                    CREATE INDEX recordings_sha256 ON recordings(sha256) WHERE sha256 IS NOT NULL AND clientUniqueId IS NOT NULL;
                    CREATE INDEX recordings_files_client_unique_id ON recordings(filesClientUniqueId) WHERE filesClientUniqueId IS NOT NULL;
                    """)
        }
        migrator.registerMigration("v12-tallies-in-swift") { db in
            // The tallies are written by every backend from the same plan (`Tallies`), not by
            // triggers PostgreSQL cannot share; the counts they kept carry on. The last delivery
            // is kept as seconds since the epoch, as PostgreSQL keeps it.
            try db.execute(
                sql: """
                    DROP TRIGGER IF EXISTS recordings_counted_insert;
                    DROP TRIGGER IF EXISTS recordings_counted_delete;
                    DROP TRIGGER IF EXISTS recordings_counted_update;
                    DROP TRIGGER IF EXISTS transitions_last_success;
                    DROP TRIGGER IF EXISTS transitions_last_error;
                    DROP TRIGGER IF EXISTS transitions_saved;
                    UPDATE meta SET value = CAST((julianday(value) - 2440587.5) * 86400.0 AS TEXT)
                    WHERE key = 'lastSuccessAt' AND value LIKE '____-__-__%' AND julianday(value) IS NOT NULL;
                    """)
            try recount(db)
        }
        migrator.registerMigration("v13-erasures") { db in
            // `gongspool erase`: the audit, and the never-send list it extends.
            try db.execute(
                sql: """
                    CREATE TABLE erasures (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        requestedAt DATETIME NOT NULL,
                        kind TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        command TEXT NOT NULL,
                        requestedBy TEXT NOT NULL,
                        found INTEGER NOT NULL DEFAULT 0,
                        erased INTEGER NOT NULL DEFAULT 0,
                        inFlight INTEGER NOT NULL DEFAULT 0,
                        filesDeleted INTEGER NOT NULL DEFAULT 0,
                        filesLeft INTEGER NOT NULL DEFAULT 0,
                        gongOutcome TEXT,
                        gongRequestId TEXT,
                        finishedAt DATETIME
                    );
                    CREATE INDEX recordings_erasure_pending ON recordings(id) WHERE \(SQLFragment.erasurePending);
                    """)
        }
        migrator.registerMigration("v14-erasure-checks") { db in
            // `gongspool audit --verify`: what Gong still listed, and when it listed no call.
            try db.execute(
                sql: """
                    ALTER TABLE erasures ADD COLUMN gongCheckedAt DATETIME;
                    ALTER TABLE erasures ADD COLUMN gongCheck TEXT;
                    ALTER TABLE erasures ADD COLUMN gongConfirmedAt DATETIME;
                    """)
        }
        return migrator
    }
}
