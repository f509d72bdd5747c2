// Damaged database at start: detected with quick_check, moved aside with its -wal/-shm (kept for IT), the desk
// starts on a fresh database and says so; `fenliu recover` salvages what is readable, exactly, without duplicates.
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { openDeskDatabase } from '../../src-main/core/store/health';
import { DatabaseTooNewError, openDatabase } from '../../src-main/core/store/database';
import { verifyAudit } from '../../src-main/core/store/audit';
import { recoverDatabase, SALVAGED_TABLES, salvagedColumns } from '../../src-main/core/transfers/recover';
import { scanRawRecords } from '../../src-main/core/store/sqlite-pages';
import { openDesk, startupNoticeOf } from '../../src-main/core/open-desk';
import { deskConfigSchema } from '../../src-main/core/config/schema';
import { main } from '../../src-main/cli/main';
import { tempDir } from '../support/desk/fixtures';
import { garbleAt, garblePages, tablePages, truncateTo } from '../support/faults/damage';
import { makeDeskHistory, storedRows, type StoredRows } from '../support/faults/desk-history';

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const count = (db: Database.Database, sql: string) => (db.prepare(sql).get() as { n: number }).n;

/** A clean history, copied to `damaged.db` in a separate folder so each test damages its own copy. */
async function history(transfers = 120): Promise<{ dataDir: string; file: string; rows: StoredRows }> {
  const dataDir = tempDir('fenliu-damaged-');
  const rows = await makeDeskHistory(dataDir, { transfers, noteLength: 300 });
  return { dataDir, file: join(dataDir, 'fenliu.db'), rows };
}

function recoverInto(source: string): { target: Database.Database; report: ReturnType<typeof recoverDatabase>; dir: string } {
  const dir = tempDir('fenliu-recover-target-');
  const target = openDatabase(join(dir, 'fenliu.db'));
  const report = recoverDatabase(target, source, { actor: 'it:test' });
  return { target, report, dir };
}

/** Transfer ids per page in the clean file: which rows a garbled page may take with it. */
function transferPages(file: string): Map<number, string[]> {
  const scan = scanRawRecords(readFileSync(file), null);
  const out = new Map<number, string[]>();
  for (const r of scan.records) {
    if (r.values.length !== salvagedColumns('transfers').length || typeof r.values[0] !== 'string') continue;
    out.set(r.page, [...(out.get(r.page) ?? []), r.values[0]]);
  }
  return out;
}

describe('damaged database at start', () => {
  it('a normal start runs quick_check, moves nothing and gives no notice', async () => {
    const { dataDir, file } = await history(20);
    const before = sha(file);
    const opened = openDeskDatabase(file);
    expect(opened.notice).toBeNull();
    expect(opened.readOnly).toBe(false);
    opened.db.close();
    expect(readdirSync(dataDir).filter((f) => f.includes('damaged'))).toEqual([]);
    expect(sha(file)).toBe(before);
  });

  it('a garbled page: the file and its -wal/-shm are moved aside unchanged, the desk starts fresh, IT is told; recover brings the rows back', async () => {
    const { file: cleanFile, rows } = await history();
    // A desk that crashed with a row only in its -wal: copy the files while that connection is still open.
    const live = openDatabase(cleanFile);
    live.pragma('wal_autocheckpoint = 0');
    live.prepare(`INSERT INTO inbox (id, source, received_at, caller_number, summary, category, stored_at) VALUES ('only-in-wal', '24365', 't', NULL, '转回110', NULL, 't')`).run();
    const dataDir = tempDir('fenliu-crashed-');
    const file = join(dataDir, 'fenliu.db');
    for (const suffix of ['', '-wal', '-shm']) copyFileSync(cleanFile + suffix, file + suffix);
    live.close();
    const { leaves } = tablePages(file, 'transfers');
    garblePages(file, [leaves[Math.floor(leaves.length / 2)]!], 7, 64, 'pointers');
    const before = { main: sha(file), wal: sha(`${file}-wal`) };
    const warnings: object[] = [];
    const opened = openDeskDatabase(file, { now: () => Date.parse('2026-11-29T09:15:02+08:00'), log: { warn: (obj) => warnings.push(obj) } });
    let mainMoved: string;
    try {
      expect(opened.notice).toMatchObject({ kind: 'database-damaged', detail: expect.stringMatching(/quick_check|CORRUPT/) });
      expect(opened.notice!.message).toMatch(/数据库已损坏.*fenliu-damaged-20261129-\d{6}\.db.*fenliu recover/);
      const moved = opened.notice!.movedAside.map((p) => p.slice(dataDir.length + 1)).sort();
      expect(moved).toEqual([expect.stringMatching(/^fenliu-damaged-20261129-\d{6}\.db$/), expect.stringMatching(/\.db-shm$/), expect.stringMatching(/\.db-wal$/)]);
      mainMoved = opened.notice!.movedAside.find((p) => p.endsWith('.db'))!;
      // Kept for IT exactly as found: the -wal was neither checkpointed into the damaged file nor deleted.
      expect({ main: sha(mainMoved), wal: sha(`${mainMoved}-wal`) }).toEqual(before);
      expect(warnings).toHaveLength(1);
      // The fresh database works, is empty of transfers, and its audit log opens with the incident.
      expect(count(opened.db, 'SELECT count(*) AS n FROM transfers')).toBe(0);
      const first = opened.db.prepare('SELECT kind, detail FROM audit_log WHERE seq = 1').get() as { kind: string; detail: string };
      expect(first.kind).toBe('store.damaged');
      expect(JSON.parse(first.detail).movedAside).toContain(mainMoved.slice(dataDir.length + 1));
      expect(verifyAudit(opened.db).ok).toBe(true);
      expect(opened.db.pragma('integrity_check', { simple: true })).toBe('ok');
      // IT recovers into the running desk's database: the rows come back, the -wal-only one included.
      const report = recoverDatabase(opened.db, mainMoved, { actor: 'it:test' });
      expect(report.transfers.inserted).toBeGreaterThan(rows.transfers.size - 10);
      expect(opened.db.prepare("SELECT id FROM inbox WHERE id = 'only-in-wal'").get()).toBeDefined();
      expect(verifyAudit(opened.db).ok).toBe(true);
    } finally {
      opened.db.close();
    }
    // The next start is a normal one.
    const again = openDeskDatabase(file);
    expect(again.notice).toBeNull();
    again.db.close();
  });

  it('a database from a newer Fenliu is not "damaged": refused and left where it is, untouched', async () => {
    const { dataDir, file } = await history(5);
    const raw = new Database(file);
    raw.pragma('user_version = 999');
    raw.close();
    const before = sha(file);
    expect(() => openDeskDatabase(file)).toThrow(DatabaseTooNewError);
    expect(readdirSync(dataDir).filter((f) => f.includes('damaged'))).toEqual([]);
    expect(sha(file)).toBe(before);
  });

  it('a garbled header (not a database any more) is moved aside too', async () => {
    const { file } = await history(10);
    garbleAt(file, 0, 100, 3);
    const opened = openDeskDatabase(file);
    expect(opened.notice?.kind).toBe('database-damaged');
    expect(opened.notice?.detail).toMatch(/NOTADB|CORRUPT|quick_check/);
    opened.db.close();
  });

  it('through openDesk: the Desk runs on the fresh database and carries the notice', async () => {
    const { dataDir, file } = await history(30);
    garblePages(file, tablePages(file, 'transfers').leaves.slice(0, 1), 11, 64, 'pointers');
    const desk = await openDesk({ dataDir, config: deskConfigSchema.parse({ undoWindowMs: 0 }), configFile: join(dataDir, 'config.json') });
    try {
      expect(startupNoticeOf(desk)?.kind).toBe('database-damaged');
      // The screen shows it (for IT) while transfers go on.
      expect(desk.snapshot().storage).toEqual({ ok: true, problem: null, notice: startupNoticeOf(desk)?.message });
      desk.setNote({ note: '楼上装修太吵了，影响休息' });
      const result = desk.transfer({ trigger: 'hid-key' });
      expect(result.kind).toBe('transferred');
    } finally {
      await desk.close();
    }
  });
});

describe('fenliu recover', () => {
  it('the raw page reader finds exactly the rows SQLite has in a clean file', async () => {
    const { file, rows } = await history(60);
    const scan = scanRawRecords(readFileSync(file), null);
    const ids = scan.records.filter((r) => r.values.length === 26 && typeof r.values[0] === 'string').map((r) => r.values[0]);
    expect(new Set(ids)).toEqual(new Set(rows.transfers.keys()));
    expect(ids).toHaveLength(rows.transfers.size);
  });

  it('garbled leaf and interior pages: every transfer on an undamaged page comes back exactly; nothing twice', async () => {
    const { file, rows } = await history(160);
    const pages = tablePages(file, 'transfers');
    const byPage = transferPages(file);
    const hit = [pages.leaves[3]!, pages.leaves[pages.leaves.length - 4]!, ...pages.interior];
    expect(pages.interior.length).toBeGreaterThan(0);
    garblePages(file, hit.slice(0, 2), 42);
    garblePages(file, pages.interior, 43, 64, 'pointers');
    const damagedSha = sha(file);
    // SQLite itself cannot read the transfers table past the garbled root.
    const { target, report } = recoverInto(file);
    try {
      expect(report.sqlite).not.toBe('whole');
      expect(sha(file)).toBe(damagedSha);
      const lost = new Set(hit.flatMap((p) => byPage.get(p) ?? []));
      const got = storedRows(target);
      for (const [id, row] of rows.transfers) {
        if (lost.has(id)) continue;
        expect(got.transfers.get(id), `transfer ${id}`).toEqual(row);
      }
      for (const id of got.transfers.keys()) expect(rows.transfers.has(id), `recovered ${id} was in the original`).toBe(true);
      expect(report.transfers.inserted).toBe(got.transfers.size);
      expect(got.transfers.size).toBeGreaterThanOrEqual(rows.transfers.size - lost.size);
      // Calls, status updates and inbox were on other pages: all back, exactly.
      expect(got.statusUpdates).toEqual(rows.statusUpdates);
      expect(got.inbox).toEqual(rows.inbox);
      for (const [id, call] of rows.calls) if (got.calls.has(id)) expect(got.calls.get(id)).toEqual(call);
      // Outbox: exactly the transfers still to be sent, none that were delivered or undone.
      const sendable = [...got.transfers.values()].filter((t) => t.status === 'pending' || t.status === 'queued').map((t) => t.id);
      expect(new Set(got.outbox.keys())).toEqual(new Set(sendable));
      expect(integrityAndAudit(target)).toEqual({ integrity: 'ok', audit: true });
      const audit = target.prepare("SELECT detail FROM audit_log WHERE kind = 'store.recover'").all() as { detail: string }[];
      expect(audit).toHaveLength(1);
      expect(JSON.parse(audit[0]!.detail)).toMatchObject({ source: 'fenliu.db', sourceSha256: damagedSha, transfers: { inserted: got.transfers.size } });
      // A second run adds nothing.
      const second = recoverDatabase(target, file, { actor: 'it:test' });
      expect(second.transfers.inserted).toBe(0);
      expect(second.transfers.alreadyPresent).toBe(got.transfers.size);
      expect(second.calls.inserted + second.statusUpdates.inserted + second.inbox.inserted + second.outbox.inserted).toBe(0);
      expect(storedRows(target).transfers.size).toBe(got.transfers.size);
    } finally {
      target.close();
    }
  });

  it('a truncated file: the rows before the cut come back', async () => {
    const { file, rows } = await history(160);
    const byPage = transferPages(file);
    truncateTo(file, 0.6);
    const size = readFileSync(file).length;
    const pageSize = 4096;
    const complete = new Set([...byPage].filter(([page]) => page * pageSize <= size).flatMap(([, ids]) => ids));
    const { target, report } = recoverInto(file);
    try {
      const got = storedRows(target);
      for (const id of complete) expect(got.transfers.get(id)).toEqual(rows.transfers.get(id));
      expect(report.notes.join(' ')).toMatch(/truncated/);
      expect(integrityAndAudit(target)).toEqual({ integrity: 'ok', audit: true });
    } finally {
      target.close();
    }
  });

  it('a garbled header: SQLite cannot open it, the raw pages still give every transfer', async () => {
    const { file, rows } = await history(80);
    garbleAt(file, 0, 100, 5);
    const { target, report } = recoverInto(file);
    try {
      expect(report.sqlite).toBe('unreadable');
      expect(new Set(storedRows(target).transfers.keys())).toEqual(new Set(rows.transfers.keys()));
    } finally {
      target.close();
    }
  });

  it('reads committed rows from the -wal and never a transaction that did not commit', async () => {
    const dir = tempDir('fenliu-wal-');
    const file = join(dir, 'fenliu.db');
    const db = openDatabase(file);
    db.pragma('wal_autocheckpoint = 0');
    db.pragma('cache_size = 2'); // small cache: an open transaction spills its pages into the -wal
    const insert = db.prepare(
      `INSERT INTO inbox (id, source, received_at, caller_number, summary, category, stored_at) VALUES (?, '24365', 't', NULL, ?, NULL, 't')`,
    );
    db.transaction(() => {
      for (let i = 0; i < 50; i += 1) insert.run(`committed-${i}`, '已提交'.repeat(100));
    })();
    db.exec('BEGIN IMMEDIATE');
    for (let i = 0; i < 200; i += 1) insert.run(`uncommitted-${i}`, '未提交'.repeat(100));
    // Copy the files as a crash would leave them: the -wal holds frames of the open transaction.
    const copyDir = tempDir('fenliu-wal-copy-');
    const copy = join(copyDir, 'old.db');
    copyFileSync(file, copy);
    copyFileSync(`${file}-wal`, `${copy}-wal`);
    db.exec('ROLLBACK');
    db.close();
    expect(readFileSync(`${copy}-wal`).length).toBeGreaterThan(200 * 300);
    garbleAt(copy, 0, 100, 9); // only the raw reader can read it now
    const { target, report } = recoverInto(copy);
    try {
      const ids = [...storedRows(target).inbox.keys()];
      expect(ids.filter((id) => id.startsWith('uncommitted'))).toEqual([]);
      expect(ids.filter((id) => id.startsWith('committed'))).toHaveLength(50);
      expect(report.walFrames).toBeGreaterThan(0);
    } finally {
      target.close();
    }
  });

  it('an undone transfer found only in an older page version stays undone (the old audit log says so)', async () => {
    // Covered by construction: a pending row plus a transfer.undo audit row becomes cancelled. Build exactly that.
    const { file, rows } = await history(30);
    const cancelled = [...rows.transfers.values()].filter((t) => t.status === 'cancelled');
    expect(cancelled.length).toBeGreaterThan(0);
    const raw = new Database(file);
    raw.prepare("UPDATE transfers SET status = 'pending' WHERE status = 'cancelled'").run();
    raw.close();
    const { target } = recoverInto(file);
    try {
      const got = storedRows(target);
      for (const t of cancelled) expect(got.transfers.get(String(t.id))?.status).toBe('cancelled');
      for (const t of cancelled) expect(got.outbox.has(String(t.id))).toBe(false);
    } finally {
      target.close();
    }
  });

  it('its column lists match the schema the migrations make', () => {
    const db = openDatabase(':memory:');
    for (const table of SALVAGED_TABLES) {
      const columns = (db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[]).map((c) => c.name);
      expect(columns, table).toEqual(salvagedColumns(table));
    }
    db.close();
  });

  it('the CLI: fenliu recover OLD.db --json reports counts; bad usage exits 2; its own database is refused', async () => {
    const { file, rows } = await history(40);
    garblePages(file, tablePages(file, 'transfers').leaves.slice(1, 2), 13);
    const dataDir = tempDir('fenliu-recover-cli-');
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s) };
    expect(await main(['--data-dir', dataDir, 'recover', file, '--json'], io)).toBe(0);
    const report = JSON.parse(out[0]!);
    expect(report.transfers.found).toBeGreaterThan(rows.transfers.size - 10);
    expect(report.transfers.inserted).toBe(report.transfers.found);
    out.length = 0;
    expect(await main(['--data-dir', dataDir, 'recover', file], io)).toBe(0);
    expect(out.join('\n')).toMatch(/transfers +found \d+, added 0, already here \d+/);
    expect(await main(['--data-dir', dataDir, 'recover', join(dataDir, 'missing.db')], io)).toBe(2);
    expect(await main(['--data-dir', dataDir, 'recover', join(dataDir, 'fenliu.db')], io)).toBe(2);
    expect(err.join('\n')).toMatch(/no such file[\s\S]*this data dir's own database/);
    expect(existsSync(join(dataDir, 'fenliu.db'))).toBe(true);
    // Any command that opens a damaged desk database says so on stderr (IT reads it), then does its job.
    const damagedDir = (await history(5)).dataDir;
    garbleAt(join(damagedDir, 'fenliu.db'), 0, 100, 17);
    err.length = 0;
    expect(await main(['--data-dir', damagedDir, 'transfers'], io)).toBe(0);
    expect(err.join('\n')).toMatch(/^fenliu: 本机数据库已损坏，已另存为 fenliu-damaged-\d{8}-\d{6}\.db/);
  });
});

function integrityAndAudit(db: Database.Database): { integrity: unknown; audit: boolean } {
  return { integrity: db.pragma('integrity_check', { simple: true }), audit: verifyAudit(db).ok };
}
