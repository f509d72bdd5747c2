// The desk's database at start: a damaged file is moved aside (kept for IT, `fenliu recover` salvages it) and the
// desk starts on a fresh one; a data dir that cannot be written still starts the desk, which then shows why and
// refuses every transfer. Either way a StartupNotice says plainly what happened.
import { copyFileSync, existsSync, mkdtempSync, renameSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { appendAudit } from './audit';
import { DatabaseDamagedError, openDatabase, type Db } from './database';
import { toRfc3339 } from './time';

export interface StartupNotice {
  kind: 'database-damaged' | 'data-dir-read-only' | 'disk-full';
  at: string;
  /** One plain sentence (Simplified Chinese) for the call-taker and IT. */
  message: string;
  /** What SQLite or the file system said, for IT. */
  detail: string;
  /** database-damaged: where the damaged file and its -wal/-shm now are. */
  movedAside: string[];
}

export interface DeskDatabase {
  db: Db;
  notice: StartupNotice | null;
  /**
   * True when the data dir cannot be written: `db` is then a private copy (or an empty in-memory database) that
   * refuses every write once sealed with sealReadOnly(), so no transfer can be reported as done.
   */
  readOnly: boolean;
}

export interface OpenDeskDatabaseOptions {
  now?: () => number;
  log?: { warn(obj: object, msg: string): void };
}

const UNWRITABLE_SQLITE = /^SQLITE_(READONLY|CANTOPEN|PERM|FULL|IOERR)/;
const UNWRITABLE_FS = new Set(['EROFS', 'EACCES', 'EPERM', 'ENOSPC', 'EDQUOT']);

export function openDeskDatabase(file: string, options: OpenDeskDatabaseOptions = {}): DeskDatabase {
  const nowMs = (options.now ?? Date.now)();
  try {
    return { db: openDatabase(file, { quickCheck: true }), notice: null, readOnly: false };
  } catch (error) {
    if (error instanceof DatabaseDamagedError) return startAfterDamage(file, error, nowMs, options);
    const code = (error as { code?: string }).code ?? '';
    if (UNWRITABLE_SQLITE.test(code) || UNWRITABLE_FS.has(code)) return startReadOnly(file, code, error as Error, nowMs, options);
    throw error;
  }
}

/** After the rules are installed into a read-only start's copy: from now on every write fails (SQLITE_READONLY). */
export function sealReadOnly(opened: DeskDatabase): void {
  if (opened.readOnly) opened.db.pragma('query_only = ON');
}

/**
 * Renames the database and its -wal/-shm to fenliu-damaged-<local time>.db[-wal|-shm] in the same folder, so the
 * pair stays together for `fenliu recover`. Returns the new paths.
 */
export function moveAside(file: string, nowMs: number): string[] {
  const dir = dirname(file);
  const stamp = toRfc3339(nowMs).slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  let target = join(dir, `fenliu-damaged-${stamp}.db`);
  for (let n = 2; existsSync(target); n += 1) target = join(dir, `fenliu-damaged-${stamp}-${n}.db`);
  const moved: string[] = [];
  // The -wal goes first: were the main file renamed alone, a fresh open would pair the old -wal with a new file.
  for (const suffix of ['-wal', '-shm', '']) {
    if (!existsSync(file + suffix)) continue;
    renameSync(file + suffix, target + suffix);
    moved.push(target + suffix);
  }
  return moved;
}

function startAfterDamage(file: string, damage: DatabaseDamagedError, nowMs: number, options: OpenDeskDatabaseOptions): DeskDatabase {
  let movedAside: string[];
  try {
    movedAside = moveAside(file, nowMs);
  } catch (error) {
    throw new Error(`${damage.message}; it could not be moved aside (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}), so the desk cannot start on a fresh database`);
  }
  const db = openDatabase(file, { quickCheck: true });
  const names = movedAside.map((p) => basename(p));
  appendAudit(db, {
    kind: 'store.damaged',
    subjectId: null,
    actor: null,
    atMs: nowMs,
    detail: { problem: damage.problem, movedAside: names },
  });
  const notice: StartupNotice = {
    kind: 'database-damaged',
    at: toRfc3339(nowMs),
    message: `本机数据库已损坏，已另存为 ${names[names.length - 1] ?? ''} 交信息科处理；本次以新数据库启动，转接照常。请信息科运行 fenliu recover 找回旧记录。`,
    detail: damage.problem,
    movedAside,
  };
  options.log?.warn({ notice }, 'damaged database moved aside; started on a fresh database');
  return { db, notice, readOnly: false };
}

/** Below this much free space a failed open is called a full disk (SQLite reports e.g. SQLITE_IOERR_SHMSIZE). */
const FULL_BELOW_BYTES = 1024 * 1024;

function diskFull(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    try {
      const stats = statfsSync(d);
      return stats.bavail * stats.bsize < FULL_BELOW_BYTES;
    } catch {
      if (dirname(d) === d) return false; // the data dir may not exist yet: ask its nearest existing parent
    }
  }
}

function startReadOnly(file: string, code: string, error: Error, nowMs: number, options: OpenDeskDatabaseOptions): DeskDatabase {
  const full = code.startsWith('SQLITE_FULL') || code === 'ENOSPC' || code === 'EDQUOT' || diskFull(dirname(file));
  const notice: StartupNotice = {
    kind: full ? 'disk-full' : 'data-dir-read-only',
    at: toRfc3339(nowMs),
    message: full
      ? `数据目录所在磁盘已满（${dirname(file)}）：转接无法保存，已停用。请信息科腾出空间后重启。`
      : `数据目录不可写（${dirname(file)}）：转接无法保存，已停用。请信息科检查权限后重启。`,
    detail: `${code}: ${error.message}`,
    movedAside: [],
  };
  options.log?.warn({ notice }, 'data dir cannot be written; the desk starts read-only and refuses transfers');
  return { db: readableCopy(file), notice, readOnly: true };
}

/**
 * The transfers the desk had, for the screen: a copy in the temp folder (SQLite cannot open a WAL database in a
 * read-only folder), or an empty database when even that fails. Writes to it are sealed off by sealReadOnly().
 */
function readableCopy(file: string): Db {
  if (existsSync(file)) {
    let dir: string | undefined;
    try {
      dir = mkdtempSync(join(tmpdir(), 'fenliu-read-only-'));
      const copy = join(dir, basename(file));
      copyFileSync(file, copy);
      if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
      const db = openDatabase(copy, { quickCheck: true });
      const cleanup = dir;
      process.once('exit', () => rmSync(cleanup, { recursive: true, force: true }));
      return db;
    } catch {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }
  return openDatabase(':memory:');
}
