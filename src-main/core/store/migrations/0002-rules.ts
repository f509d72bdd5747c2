import type { Migration } from './types';

// Installed rules packs with their history. Exactly one row is active; `replaces` is the row that was active
// when this one was installed, so a rollback walks back the way the packs came in.
export const migration: Migration = {
  version: 2,
  name: 'rules',
  up(db) {
    db.exec(`
      CREATE TABLE rules_packs (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        pack_id        TEXT NOT NULL,
        version        TEXT NOT NULL,
        signer         TEXT,
        sha256         TEXT NOT NULL,
        pack_json      TEXT NOT NULL,
        installed_at   TEXT NOT NULL,
        source         TEXT NOT NULL,
        active         INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
        replaces       INTEGER REFERENCES rules_packs(id),
        rolled_back_at TEXT
      );
      CREATE UNIQUE INDEX rules_packs_one_active ON rules_packs(active) WHERE active = 1;
    `);
  },
};
