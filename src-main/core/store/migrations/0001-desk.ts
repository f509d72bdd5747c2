import type { Migration } from './types';

// Calls, transfers (every field of the upstream Transfer plus local status), the outbox, upstream status
// updates, the civic → police inbox, sync cursors and the hash-chained audit log.
export const migration: Migration = {
  version: 1,
  name: 'desk',
  up(db) {
    db.exec(`
      CREATE TABLE calls (
        id              TEXT PRIMARY KEY,
        started_at      TEXT NOT NULL,
        caller_number   TEXT,
        note            TEXT NOT NULL DEFAULT '',
        classification  TEXT,
        disposition     TEXT CHECK (disposition IN ('transferred', 'kept', 'invalid')),
        disposition_at  TEXT
      );

      CREATE TABLE transfers (
        id              TEXT PRIMARY KEY,
        call_id         TEXT NOT NULL REFERENCES calls(id),
        desk_id         TEXT NOT NULL,
        operator_id     TEXT NOT NULL,
        caller_number   TEXT,
        call_started_at TEXT NOT NULL,
        transferred_at  TEXT NOT NULL,
        transferred_ms  INTEGER NOT NULL,
        target          TEXT NOT NULL CHECK (target IN ('civic', '119', '120', '122')),
        target_number   TEXT NOT NULL,
        category        TEXT,
        red_flag        INTEGER NOT NULL CHECK (red_flag IN (0, 1)),
        override        TEXT,
        trigger         TEXT NOT NULL CHECK (trigger IN ('hid-key', 'keyboard', 'screen')),
        note            TEXT NOT NULL,
        rules_version   TEXT NOT NULL,
        matched_terms   TEXT NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('pending', 'queued', 'sent', 'received', 'accepted',
                                                        'resolved', 'returned', 'rejected', 'cancelled')),
        hold_until_ms   INTEGER NOT NULL,
        status_at       TEXT NOT NULL,
        status_by       TEXT,
        due_at          TEXT,
        comment         TEXT,
        rejected_error  TEXT,
        attention       INTEGER NOT NULL DEFAULT 0,
        acknowledged_at TEXT
      );
      -- One live transfer per call: a repeated press cannot create a second one.
      CREATE UNIQUE INDEX transfers_one_live_per_call ON transfers(call_id) WHERE status <> 'cancelled';
      CREATE INDEX transfers_by_time ON transfers(transferred_ms);
      CREATE INDEX transfers_by_status ON transfers(status);

      CREATE TABLE outbox (
        seq           INTEGER PRIMARY KEY AUTOINCREMENT,
        transfer_id   TEXT NOT NULL UNIQUE REFERENCES transfers(id),
        not_before_ms INTEGER NOT NULL,
        attempts      INTEGER NOT NULL DEFAULT 0,
        last_error    TEXT
      );

      CREATE TABLE status_updates (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        transfer_id   TEXT NOT NULL,
        status        TEXT NOT NULL,
        at            TEXT NOT NULL,
        by            TEXT,
        due_at        TEXT,
        comment       TEXT,
        received_at   TEXT NOT NULL,
        known         INTEGER NOT NULL CHECK (known IN (0, 1)),
        UNIQUE (transfer_id, status, at)
      );

      CREATE TABLE inbox (
        id              TEXT PRIMARY KEY,
        source          TEXT NOT NULL,
        received_at     TEXT NOT NULL,
        caller_number   TEXT,
        summary         TEXT NOT NULL,
        category        TEXT,
        stored_at       TEXT NOT NULL,
        acknowledged_at TEXT,
        acknowledged_by TEXT
      );

      CREATE TABLE sync_state (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      CREATE TABLE audit_log (
        seq        INTEGER PRIMARY KEY,
        at         TEXT NOT NULL,
        kind       TEXT NOT NULL,
        subject_id TEXT,
        actor      TEXT,
        detail     TEXT NOT NULL,
        prev_hash  TEXT NOT NULL,
        hash       TEXT NOT NULL
      );
      -- Append-only by construction; the hash chain detects whoever drops these triggers.
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `);
  },
};
