// Opens the desk's SQLite database with the pragmas a 110 desk needs: WAL for concurrent readers,
// synchronous=FULL so a committed transfer survives power loss, foreign keys on. Migrations are applied
// one transaction each and tracked in PRAGMA user_version.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS, LATEST_SCHEMA_VERSION } from './migrations';

export type Db = Database.Database;

export class DatabaseTooNewError extends Error {
  constructor(readonly file: string, readonly found: number, readonly supported: number) {
    super(
      `${file}: the database was written by a newer Fenliu (schema ${found}, this version knows up to ${supported}); ` +
        'it was left untouched. Install the newer version, or start with another --data-dir.',
    );
  }
}

export interface OpenOptions {
  readonly?: boolean;
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (!options.readonly && file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  try {
    // Read the version before any pragma that writes (journal_mode=WAL rewrites the header).
    const found = db.pragma('user_version', { simple: true }) as number;
    if (found > LATEST_SCHEMA_VERSION) throw new DatabaseTooNewError(file, found, LATEST_SCHEMA_VERSION);
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      migrate(db);
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db): void {
  for (const migration of MIGRATIONS) {
    if (schemaVersion(db) >= migration.version) continue;
    db.transaction(() => {
      migration.up(db);
      // PRAGMA cannot take a bound parameter; the version is an integer from our own code.
      db.pragma(`user_version = ${Math.trunc(migration.version)}`);
    }).immediate();
  }
}
