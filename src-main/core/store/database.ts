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

/** The file is not a sound SQLite database (PRAGMA quick_check failed, or SQLite calls it corrupt / not a database). */
export class DatabaseDamagedError extends Error {
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: the database is damaged (${problem})`);
  }
}

export interface OpenOptions {
  readonly?: boolean;
  /** Run PRAGMA quick_check before anything writes; a damaged file throws DatabaseDamagedError (the desk's start). */
  quickCheck?: boolean;
}

const DAMAGE_CODES = /^SQLITE_(CORRUPT|NOTADB)/;

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (!options.readonly && file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  try {
    // Read the version before any pragma that writes (journal_mode=WAL rewrites the header).
    const found = db.pragma('user_version', { simple: true }) as number;
    if (found > LATEST_SCHEMA_VERSION) throw new DatabaseTooNewError(file, found, LATEST_SCHEMA_VERSION);
    if (options.quickCheck) quickCheck(db, file);
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      migrate(db);
    }
    return db;
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    const damaged = options.quickCheck && (error instanceof DatabaseDamagedError || DAMAGE_CODES.test(code));
    if (damaged) closeLeavingWal(db, file);
    else db.close();
    if (damaged && !(error instanceof DatabaseDamagedError)) throw new DatabaseDamagedError(file, `${code}: ${(error as Error).message}`);
    throw error;
  }
}

/**
 * Reads every page once and checks NOT NULL / CHECK constraints (garbled values break them): about 80 ms for
 * 20,000 transfers here. Runs on the read-write connection: a read-only one skips the constraint checks.
 */
function quickCheck(db: Db, file: string): void {
  const rows = db.pragma('quick_check(5)') as { quick_check: string }[];
  const problems = rows.map((r) => r.quick_check).filter((text) => text !== 'ok');
  if (problems.length > 0) throw new DatabaseDamagedError(file, `quick_check: ${problems.slice(0, 3).join('; ')}`);
}

/**
 * The last connection to close would checkpoint the -wal into the damaged file and delete it. A read-only
 * connection held across the close prevents that (it cannot checkpoint), so what is moved aside is what was found.
 */
function closeLeavingWal(db: Db, file: string): void {
  let holder: Db | undefined;
  try {
    holder = new Database(file, { readonly: true, fileMustExist: true });
    holder.pragma('user_version'); // a read joins the -wal index; until then the holder holds nothing
  } catch {
    // Not even openable read-only: then the close cannot checkpoint either.
  }
  db.close();
  holder?.close();
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
