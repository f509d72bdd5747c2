// Full disk and read-only data dir: the desk says so plainly and refuses new transfers; it never tells a
// call-taker a transfer happened that is not stored; once the disk takes writes again, transfers work and nothing
// stored before was lost or corrupted. Two layers: SQLite-level faults that work everywhere (max_page_count makes
// SQLite return SQLITE_FULL, query_only makes it refuse writes), and real file systems (a size-limited tmpfs, a
// read-only bind mount), skipped with the reason where mount(8) is not permitted.
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Desk } from '../../src-main/core/desk';
import type { TransferResult } from '../../src-main/api/contract';
import { openDesk, startupNoticeOf } from '../../src-main/core/open-desk';
import { deskConfigSchema } from '../../src-main/core/config/schema';
import { verifyAudit } from '../../src-main/core/store/audit';
import { openDatabase } from '../../src-main/core/store/database';
import { tempDir } from '../support/desk/fixtures';
import { fillDisk, mountReadOnly, mountTmpfs, type Mounted } from '../support/faults/mounts';
import { storedRows, type StoredRows } from '../support/faults/desk-history';

const NOTE = '楼上装修太吵了，影响休息';
const LONG_NOTE = `${NOTE}，${'报警人反映楼上每天晚上十一点以后还在装修，电钻声音很大，'.repeat(120)}`.slice(0, 4000);

const mounts: Extract<Mounted, { ok: true }>[] = [];
afterEach(() => {
  for (const m of mounts.splice(0)) m.unmount();
});

async function desk(dataDir: string, undoWindowMs = 0): Promise<Desk> {
  return openDesk({ dataDir, config: deskConfigSchema.parse({ undoWindowMs, desk: { id: 'nanbu-110-03', operatorId: 'op7' } }), configFile: join(dataDir, 'config.json') });
}

/** Presses the transfer key for a fresh call with this note; records what the call-taker was told. */
function press(d: Desk, note: string): TransferResult {
  d.newCall({});
  d.setNote({ note });
  return d.transfer({ trigger: 'hid-key' });
}

interface Watch {
  storage: { ok: boolean; problem: string | null }[];
  committed: string[];
}

function watch(d: Desk): Watch {
  const w: Watch = { storage: [], committed: [] };
  d.on('storage', (s) => w.storage.push(s));
  d.on('transferCommitted', (e) => w.committed.push(e.transfer.id));
  return w;
}

/** The promises after a fault: every reported transfer stored whole, every refused call not stored, chain intact. */
function assertNothingLost(file: string, before: StoredRows, reported: Set<string>, refusedCalls: Set<string>): void {
  const db = openDatabase(file, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(verifyAudit(db)).toMatchObject({ ok: true });
    const now = storedRows(db);
    for (const [id, row] of before.transfers) expect(now.transfers.get(id), `transfer ${id} from before the fault`).toEqual(row);
    for (const id of reported) expect(now.transfers.has(id), `reported transfer ${id} is stored`).toBe(true);
    for (const t of now.transfers.values()) expect(refusedCalls.has(String(t.call_id)), `refused call ${t.call_id} has no transfer`).toBe(false);
    // Each stored transfer is whole: its outbox row (not yet sent) and its audit row.
    const half = db
      .prepare(
        `SELECT t.id FROM transfers t LEFT JOIN outbox o ON o.transfer_id = t.id
         WHERE (t.status IN ('pending', 'queued') AND o.seq IS NULL)
            OR (SELECT count(*) FROM audit_log a WHERE a.subject_id = t.id AND a.kind = 'transfer') <> 1`,
      )
      .all();
    expect(half).toEqual([]);
  } finally {
    db.close();
  }
}

/** Presses until the store refuses (at most `max` presses); returns what was reported and what was refused. */
function pressUntilRefused(d: Desk, note: string, max: number): { reported: Set<string>; refusedCalls: Set<string>; refusal: TransferResult | null } {
  const reported = new Set<string>();
  const refusedCalls = new Set<string>();
  for (let i = 0; i < max; i += 1) {
    const callId = d.newCall({}).id;
    d.setNote({ note });
    const result = d.transfer({ trigger: 'hid-key' });
    if (result.kind === 'transferred') {
      reported.add(result.transfer.id);
      continue;
    }
    expect(result).toMatchObject({ kind: 'refused', reason: 'storage' });
    refusedCalls.add(callId);
    // The call stays on the card, note and all: the call-taker can still act on it.
    expect(d.snapshot().call).toMatchObject({ id: callId, note });
    return { reported, refusedCalls, refusal: result };
  }
  return { reported, refusedCalls, refusal: null };
}

describe('fault layer (works everywhere)', () => {
  it('SQLITE_FULL: refused with 磁盘已满 shown; nothing half-stored; after space frees up transfers work again', async () => {
    const dataDir = tempDir('fenliu-full-');
    const d = await desk(dataDir);
    const w = watch(d);
    try {
      for (let i = 0; i < 5; i += 1) expect(press(d, NOTE).kind).toBe('transferred');
      const before = storedRows(d.db);
      // The database may not grow by one more page: the next transfer that needs one fails as on a full disk.
      const pages = d.db.pragma('page_count', { simple: true }) as number;
      d.db.pragma(`max_page_count = ${pages}`);
      const { reported, refusedCalls, refusal } = pressUntilRefused(d, LONG_NOTE, 50);
      expect(refusal, 'the full database refused a transfer').not.toBeNull();
      expect(refusal).toMatchObject({ message: expect.stringMatching(/本地存储失败，转接未完成：磁盘已满/) });
      expect(d.snapshot().storage).toEqual({ ok: false, problem: expect.stringMatching(/磁盘已满/), notice: null });
      expect(w.storage.at(-1)).toEqual({ ok: false, problem: expect.stringMatching(/磁盘已满/), notice: null });
      // Still full: a second press on the same call is refused again, never reported as done.
      const again = d.transfer({ trigger: 'hid-key' });
      expect(again.kind).toBe('refused');
      expect(w.committed.filter((id) => !reported.has(id) && !before.transfers.has(id))).toEqual([]);
      // Space again: the same call goes through, the banner clears.
      d.db.pragma('max_page_count = 4294967294');
      const done = d.transfer({ trigger: 'hid-key' });
      expect(done.kind).toBe('transferred');
      if (done.kind === 'transferred') reported.add(done.transfer.id);
      refusedCalls.clear(); // that call is now transferred, rightly
      expect(d.snapshot().storage).toEqual({ ok: true, problem: null, notice: null });
      expect(w.storage.at(-1)).toEqual({ ok: true, problem: null, notice: null });
      expect(press(d, NOTE).kind).toBe('transferred');
      assertNothingLost(join(dataDir, 'fenliu.db'), before, reported, refusedCalls);
    } finally {
      await d.close();
    }
  });

  it('read-only store mid-shift: refused with 只读 shown, undo does not pretend, nothing written; writable again works', async () => {
    const dataDir = tempDir('fenliu-ro-layer-');
    const d = await desk(dataDir, 60_000);
    const w = watch(d);
    try {
      const held = press(d, NOTE);
      expect(held.kind).toBe('transferred');
      const before = storedRows(d.db);
      d.db.pragma('query_only = ON'); // every write now fails with SQLITE_READONLY, as on a read-only data dir
      d.newCall({});
      d.setNote({ note: NOTE });
      const refused = d.transfer({ trigger: 'hid-key' });
      expect(refused).toMatchObject({ kind: 'refused', reason: 'storage', message: expect.stringMatching(/只读/) });
      expect(d.snapshot().storage).toEqual({ ok: false, problem: expect.stringMatching(/只读/), notice: null });
      // Undo cannot be written either: the held transfer must still be pending (it was not silently cancelled).
      if (held.kind === 'transferred') {
        const undo = d.undo({ transferId: held.transfer.id });
        expect(undo).toMatchObject({ kind: 'refused', reason: 'storage', message: expect.stringMatching(/只读/) });
        expect(d.db.prepare('SELECT status FROM transfers WHERE id = ?').pluck().get(held.transfer.id)).toBe('pending');
      }
      expect(() => d.closeCall({ disposition: 'kept' })).toThrow(/只读/);
      expect(w.committed).toEqual(held.kind === 'transferred' ? [held.transfer.id] : []);
      d.db.pragma('query_only = OFF');
      const done = d.transfer({ trigger: 'hid-key' });
      expect(done.kind).toBe('transferred');
      expect(d.snapshot().storage.ok).toBe(true);
      // The refused call went through once writable: no refused call is left without its transfer.
      assertNothingLost(join(dataDir, 'fenliu.db'), before, new Set(w.committed), new Set());
    } finally {
      await d.close();
    }
  });
});

describe('real file systems (mount)', () => {
  it('a full tmpfs: refused with 磁盘已满, nothing half-stored; after the disk frees up transfers work and nothing was lost', async (ctx) => {
    const m = mountTmpfs('6m');
    if (!m.ok) return ctx.skip(m.reason);
    mounts.push(m);
    const dataDir = join(m.dir, 'data');
    const d = await desk(dataDir);
    try {
      for (let i = 0; i < 5; i += 1) expect(press(d, NOTE).kind).toBe('transferred');
      const before = storedRows(d.db);
      const filler = fillDisk(m.dir);
      const { reported, refusedCalls, refusal } = pressUntilRefused(d, LONG_NOTE, 200);
      expect(refusal, 'the full disk refused a transfer').not.toBeNull();
      expect(refusal).toMatchObject({ message: expect.stringMatching(/磁盘已满/) });
      expect(d.snapshot().storage.problem).toMatch(/磁盘已满/);
      rmSync(filler);
      const done = d.transfer({ trigger: 'hid-key' });
      expect(done.kind).toBe('transferred');
      if (done.kind === 'transferred') reported.add(done.transfer.id);
      refusedCalls.clear();
      for (let i = 0; i < 3; i += 1) {
        const r = press(d, LONG_NOTE);
        expect(r.kind).toBe('transferred');
        if (r.kind === 'transferred') reported.add(r.transfer.id);
      }
      expect(d.snapshot().storage.ok).toBe(true);
      await d.close();
      assertNothingLost(join(dataDir, 'fenliu.db'), before, reported, refusedCalls);
    } finally {
      await d.close();
    }
  });

  it('a desk started on a full disk: it starts, says 磁盘已满, refuses transfers, and works after a restart with space', async (ctx) => {
    const m = mountTmpfs('6m');
    if (!m.ok) return ctx.skip(m.reason);
    mounts.push(m);
    const dataDir = join(m.dir, 'data');
    const first = await desk(dataDir);
    const kept = press(first, NOTE);
    expect(kept.kind).toBe('transferred');
    const before = storedRows(first.db);
    await first.close();
    const filler = fillDisk(m.dir);
    const d = await desk(dataDir);
    try {
      expect(startupNoticeOf(d)).toMatchObject({ kind: 'disk-full', message: expect.stringMatching(/磁盘已满.*转接无法保存/) });
      const { refusal, refusedCalls } = pressUntilRefused(d, NOTE, 1);
      expect(refusal).toMatchObject({ kind: 'refused', reason: 'storage' });
      expect(d.snapshot().storage.ok).toBe(false);
      await d.close();
      rmSync(filler);
      const restarted = await desk(dataDir);
      expect(startupNoticeOf(restarted)).toBeNull();
      expect(press(restarted, NOTE).kind).toBe('transferred');
      await restarted.close();
      assertNothingLost(join(dataDir, 'fenliu.db'), before, new Set(), refusedCalls);
    } finally {
      await d.close();
    }
  });

  it('a read-only data dir at start: the desk starts, says so, shows the old transfers, refuses new ones, writes nothing', async (ctx) => {
    const dataDir = tempDir('fenliu-ro-src-');
    const first = await desk(dataDir);
    for (let i = 0; i < 3; i += 1) expect(press(first, NOTE).kind).toBe('transferred');
    await first.close();
    const file = join(dataDir, 'fenliu.db');
    const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
    const m = mountReadOnly(dataDir);
    if (!m.ok) return ctx.skip(m.reason);
    mounts.push(m);
    const d = await desk(m.dir);
    try {
      expect(startupNoticeOf(d)).toMatchObject({ kind: 'data-dir-read-only', message: expect.stringMatching(/数据目录不可写.*转接无法保存/) });
      expect(d.listTransfers({ since: '2000-01-01' })).toHaveLength(3);
      const result = press(d, NOTE);
      expect(result).toMatchObject({ kind: 'refused', reason: 'storage', message: expect.stringMatching(/只读/) });
      expect(d.snapshot().storage).toEqual({ ok: false, problem: expect.stringMatching(/只读/), notice: null });
      expect(d.listTransfers({ since: '2000-01-01' })).toHaveLength(3);
    } finally {
      await d.close();
    }
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(sha);
  });
});
