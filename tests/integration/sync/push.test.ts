// Pushing the outbox to a real (loopback) upstream: undo-window records stay home, refused records are marked
// rejected and never retried, whole-batch refusals are split, 413 shrinks the batches, broken answers are failures
// and not crashes, and stop() does not wait for a hung upstream.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Desk } from '../../../src-main/core/desk';
import { deskConfigSchema } from '../../../src-main/core/config/schema';
import { verifyAudit } from '../../../src-main/core/store/audit';
import { createSyncEngine, type SyncEngine } from '../../../src-main/core/sync';
import type { SyncStateView } from '../../../src-main/api/contract';
import { startUpstream, type Upstream, type UpstreamOptions } from '../../support/upstream/server';
import { makeTransfers, openTestDb, outboxCount, statusOf, syncConfig } from '../../support/upstream/desk-fixture';
import { fakeRules } from '../../support/desk/fake-rules';
import { tempDir } from '../../support/desk/fixtures';
import { openDatabase } from '../../../src-main/core/store/database';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function upstream(options: UpstreamOptions = {}): Promise<Upstream> {
  const up = await startUpstream(options);
  cleanups.push(() => up.stop());
  return up;
}

function engineFor(up: Upstream, count: number, extra: { note?: (i: number) => string; timeoutMs?: number } = {}) {
  const { db } = openTestDb();
  const ids = makeTransfers(db, count, { note: extra.note });
  const engine = createSyncEngine({ db, config: syncConfig({ url: up.url, token: up.token, timeoutMs: extra.timeoutMs ?? 2000 }), backoff: { baseMs: 5, capMs: 20 } });
  cleanups.push(async () => {
    await engine.stop();
    db.close();
  });
  return { db, ids, engine };
}

describe('the undo window', () => {
  it('sends nothing still undoable; an undone transfer is never sent, the other goes once its window passed', async () => {
    const up = await upstream();
    let now = Date.now();
    const db = openDatabase(join(tempDir(), 'fenliu.db'));
    const config = deskConfigSchema.parse({ desk: { id: 'nanbu-110-03', operatorId: 'op-7' }, undoWindowMs: 5000, upstream: { url: up.url, token: up.token } });
    const desk = new Desk({ db, config, rules: fakeRules(), now: () => now });
    const engine: SyncEngine = createSyncEngine({ db, config, now: () => now });
    desk.attachSync(engine);
    const syncEvents: SyncStateView[] = [];
    desk.on('sync', (s) => syncEvents.push(s));
    cleanups.push(() => desk.close());

    desk.setNote({ note: '报警人称想让110送一碗米粉' });
    const undone = desk.transfer({ trigger: 'hid-key' });
    desk.setNote({ note: '邻居欠钱不还' });
    const kept = desk.transfer({ trigger: 'keyboard' });
    if (undone.kind !== 'transferred' || kept.kind !== 'transferred') throw new Error('fixture');

    now += 1000;
    const state = await engine.syncNow();
    expect(state).toMatchObject({ online: true, pending: 2, queued: 0 });
    expect(up.stored()).toHaveLength(0);
    expect(up.requests().some((r) => r.endpoint === 'push')).toBe(false);

    expect(desk.undo({ transferId: undone.transfer.id }).kind).toBe('undone');
    now += 5000;
    await engine.syncNow();
    expect(up.stored().map((t) => t.id)).toEqual([kept.transfer.id]);
    expect(statusOf(db, kept.transfer.id)).toBe('sent');
    expect(statusOf(db, undone.transfer.id)).toBe('cancelled');
    expect(syncEvents.at(-1)).toMatchObject({ queued: 0, pending: 0, online: true });

    now += 60_000;
    await engine.syncNow();
    expect(up.stored()).toHaveLength(1);
    expect(up.counts().duplicates).toBe(0);
  });
});

describe('records the upstream will not take', () => {
  it('marks an `invalid` record rejected with the server error, audited, flagged, and never retried', async () => {
    const up = await upstream({ invalid: (r) => (r.note.includes('坏记录') ? 'note: 含有不允许的内容' : null) });
    const { db, ids, engine } = engineFor(up, 5, { note: (i) => (i === 2 ? '坏记录' : `正常记录${i}`) });
    const state = await engine.syncNow();
    expect(state).toMatchObject({ queued: 0, rejected: 1 });
    expect(up.stored()).toHaveLength(4);
    const row = db.prepare('SELECT status, rejected_error, attention FROM transfers WHERE id = ?').get(ids[2]);
    expect(row).toEqual({ status: 'rejected', rejected_error: 'note: 含有不允许的内容', attention: 1 });
    expect(db.prepare("SELECT subject_id, detail FROM audit_log WHERE kind = 'transfer.rejected'").all()).toEqual([
      { subject_id: ids[2], detail: JSON.stringify({ error: 'note: 含有不允许的内容' }) },
    ]);
    expect(verifyAudit(db).ok).toBe(true);
    expect(outboxCount(db)).toBe(0);

    await engine.syncNow();
    await engine.syncNow();
    const sentIds = up.requests().filter((r) => r.endpoint === 'push').map((r) => r.records);
    expect(sentIds).toEqual([5]);
  });

  it('splits a batch refused whole (400 without results) to find the bad records; the good ones go through', async () => {
    const up = await upstream({ refuseWholeBatch: true, invalid: (r) => (r.note.startsWith('BAD') ? 'bad note' : null) });
    const { db, ids, engine } = engineFor(up, 200, { note: (i) => (i === 17 || i === 150 ? `BAD ${i}` : `ok ${i}`) });
    await engine.syncNow();
    expect(up.stored()).toHaveLength(198);
    expect([statusOf(db, ids[17]!), statusOf(db, ids[150]!)]).toEqual(['rejected', 'rejected']);
    expect(db.prepare('SELECT rejected_error FROM transfers WHERE id = ?').get(ids[17])).toEqual({ rejected_error: 'HTTP 400：the batch holds an invalid record' });
    expect(outboxCount(db)).toBe(0);
    // Bisection: two bad records among 200 cost a few dozen requests, not 200.
    const posts = up.requests().filter((r) => r.endpoint === 'push').length;
    expect(posts).toBeLessThanOrEqual(32);
    expect(up.counts().duplicates).toBe(0);
  });

  it('sends smaller batches after 413', async () => {
    const up = await upstream({ maxRecords: 50 });
    const { db, engine } = engineFor(up, 450);
    await engine.syncUntilEmpty(10_000);
    expect(up.stored()).toHaveLength(450);
    expect(outboxCount(db)).toBe(0);
    // 200 → 100 → 50, plus the second batch, already on the wire when the first 413 came back.
    expect(up.counts().tooLarge).toBe(3);
    const sizes = up.requests().filter((r) => r.endpoint === 'push' && r.outcome === 200).map((r) => r.records);
    expect(Math.max(...(sizes as number[]))).toBeLessThanOrEqual(50);
    expect(Math.max(...(sizes as number[]))).toBeGreaterThan(25);
    expect(up.counts().duplicates).toBe(0);
  });

  it('keeps every batch within 1 MiB even with the longest notes', async () => {
    const up = await upstream();
    const longNote = '楼上装修噪音扰民'.repeat(500);
    const { db, engine } = engineFor(up, 300, { note: (i) => `${i}${longNote}`.slice(0, 4000) });
    await engine.syncUntilEmpty(10_000);
    expect(up.stored()).toHaveLength(300);
    expect(up.counts().tooLarge).toBe(0);
    const sizes = up.requests().filter((r) => r.endpoint === 'push').map((r) => r.records!);
    expect(Math.max(...sizes)).toBeLessThan(200);
    expect(Math.max(...sizes)).toBeGreaterThan(50);
    expect(outboxCount(db)).toBe(0);
  });
});

describe('broken answers are failures, not crashes', () => {
  it.each([
    ['malformed', '上级平台的回复格式不对'],
    ['huge-body', '上级平台的回复过大'],
    ['slow-body', '上级平台无应答'],
    ['drop', '与上级平台的连接中断'],
  ] as const)('%s: the records stay queued, the next round delivers them once', async (fault, message) => {
    const up = await upstream({ slowMs: 1500 });
    const { db, ids, engine } = engineFor(up, 10, { timeoutMs: 500 });
    up.queueFaultsOn('push', fault);
    const failed = await engine.syncNow();
    expect(failed.lastError).toContain(message);
    expect(failed.online).toBe(false);
    expect(ids.map((id) => statusOf(db, id))).toEqual(Array(10).fill('queued'));
    expect(db.prepare('SELECT min(attempts) AS a FROM outbox').get()).toEqual({ a: 1 });

    const ok = await engine.syncNow();
    expect(ok).toMatchObject({ lastError: null, queued: 0, online: true });
    expect(up.stored()).toHaveLength(10);
  });
});

describe('stop()', () => {
  it('does not wait for a hung upstream and leaves the records queued', async () => {
    const up = await upstream({ delayMs: 5000 });
    const { db, engine } = engineFor(up, 20, { timeoutMs: 20_000 });
    up.queueFaultsOn('push', 'delay');
    const round = engine.syncNow();
    while (!up.requests().some((r) => r.endpoint === 'push')) await new Promise((r) => setTimeout(r, 10));
    const t0 = Date.now();
    await engine.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    await round;
    expect(outboxCount(db)).toBe(20);
  });
});
