import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, DatabaseTooNewError, schemaVersion } from '../../../src-main/core/store/database';
import { LATEST_SCHEMA_VERSION } from '../../../src-main/core/store/migrations';
import { tempDir } from '../../support/desk/fixtures';

describe('openDatabase', () => {
  it('creates the schema with WAL, synchronous=FULL and foreign keys on', () => {
    const db = openDatabase(join(tempDir(), 'fenliu.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['calls', 'transfers', 'outbox', 'status_updates', 'inbox', 'audit_log']));
    db.close();
  });

  it('opens an existing database again without re-running migrations', () => {
    const file = join(tempDir(), 'fenliu.db');
    openDatabase(file).close();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });

  it('refuses a database written by a newer version and leaves the file untouched', () => {
    const file = join(tempDir(), 'fenliu.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    raw.exec('CREATE TABLE future (x)');
    raw.close();
    const before = readFileSync(file);
    expect(() => openDatabase(file)).toThrow(DatabaseTooNewError);
    expect(() => openDatabase(file)).toThrow(/newer Fenliu .*left untouched/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});
