// Pulling from a real (loopback) upstream: what became of the transfers (returned → attention, overdue),
// the inbox (shown until acknowledged, each item once), and the rules pack (ETag; a refused pack stays refused
// without being downloaded again and again).
import { afterEach, describe, expect, it } from 'vitest';
import { createSyncEngine, type SyncEngine } from '../../../src-main/core/sync';
import { InboxRepository } from '../../../src-main/core/transfers/inbox';
import { TransferRepository, toTransferView } from '../../../src-main/core/transfers/repository';
import { startUpstream, type Upstream } from '../../support/upstream/server';
import { makeTransfers, openTestDb, syncConfig } from '../../support/upstream/desk-fixture';
import type { Db } from '../../../src-main/core/store/database';
import { openDatabase } from '../../../src-main/core/store/database';
import { Desk } from '../../../src-main/core/desk';
import { deskConfigSchema } from '../../../src-main/core/config/schema';
import type { InboxItemView, TransferView } from '../../../src-main/api/contract';
import { fakeRules } from '../../support/desk/fake-rules';
import { tempDir } from '../../support/desk/fixtures';
import { join } from 'node:path';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(count: number, options: { installRulesPack?: (json: unknown, etag: string) => void; now?: () => number } = {}) {
  const up = await startUpstream();
  const { db } = openTestDb();
  const ids = makeTransfers(db, count);
  const engine = createSyncEngine({ db, config: syncConfig({ url: up.url, token: up.token }), ...options });
  const data: string[] = [];
  engine.onData((what) => data.push(what));
  cleanups.push(async () => {
    await engine.stop();
    db.close();
    await up.stop();
  });
  return { up, db, ids, engine, data };
}

const view = (db: Db, id: string, nowMs = Date.now()) => toTransferView(new TransferRepository(db).byId(id)!, nowMs, (c) => c);
const iso = (ms: number) => new Date(ms).toISOString();

describe('status updates', () => {
  it('a returned transfer needs attention; an accepted one past its deadline is overdue; resolved is neither', async () => {
    const { up, db, ids, engine, data } = await setup(3);
    await engine.syncNow();
    const now = Date.now();
    up.advance(ids[0]!, 'received');
    up.advance(ids[0]!, 'returned', { by: '县民政局', comment: '涉及人身安全，退回110' });
    up.advance(ids[1]!, 'accepted', { by: '县住建局', dueAt: iso(now - 60_000) });
    up.advance(ids[2]!, 'accepted', { by: '县住建局', dueAt: iso(now - 60_000), at: iso(now - 120_000) });
    up.advance(ids[2]!, 'resolved', { comment: '已修复' });
    data.length = 0;
    const state = await engine.syncNow();
    expect(data).toContain('transfers');
    expect(state.lastError).toBeNull();
    expect(view(db, ids[0]!)).toMatchObject({ status: 'returned', needsAttention: true, comment: '涉及人身安全，退回110', statusBy: '县民政局' });
    expect(view(db, ids[1]!)).toMatchObject({ status: 'accepted', overdue: true, needsAttention: false });
    expect(view(db, ids[2]!)).toMatchObject({ status: 'resolved', overdue: false, comment: '已修复' });
  });

  it('repeated pages and updates for unknown transfers change nothing twice and fail nothing', async () => {
    const { up, db, ids, engine } = await setup(1);
    await engine.syncNow();
    up.advance(ids[0]!, 'received');
    up.advance('someone-elses-transfer', 'accepted');
    up.queueFaultsOn('updates', 'repeat-updates', 'repeat-updates');
    await engine.syncNow();
    await engine.syncNow();
    await engine.syncNow();
    expect(db.prepare('SELECT transfer_id, known FROM status_updates ORDER BY id').all()).toEqual([
      { transfer_id: ids[0], known: 1 },
      { transfer_id: 'someone-elses-transfer', known: 0 },
    ]);
    expect(view(db, ids[0]!).status).toBe('received');
  });
});

describe('inbox', () => {
  it('stores each item once and keeps showing it until acknowledged', async () => {
    const { up, db, engine, data } = await setup(0);
    const first = up.pushInbox({ summary: '市民来电称邻居持刀威胁', callerNumber: '13900000000', category: '110.threat' });
    up.pushInbox({ summary: '群众反映有人落水' });
    await engine.syncNow();
    expect(data).toContain('inbox');
    const inbox = new InboxRepository(db);
    expect(inbox.unacknowledged().map((i) => i.summary)).toEqual(['市民来电称邻居持刀威胁', '群众反映有人落水']);
    expect(inbox.unacknowledged()[0]).toMatchObject({ id: first, from: '24365', callerNumber: '13900000000', category: '110.threat' });

    inbox.acknowledge(first, new Date().toISOString(), 'op-7');
    // The upstream delivers it again (at least once): still acknowledged, still once.
    db.prepare("DELETE FROM sync_state WHERE key = 'inbox.cursor'").run();
    await engine.syncNow();
    expect(inbox.unacknowledged().map((i) => i.summary)).toEqual(['群众反映有人落水']);
    expect(db.prepare('SELECT count(*) AS n FROM inbox').get()).toEqual({ n: 2 });
  });
});

describe('rules pack', () => {
  it('installs a new pack, asks with its ETag after that, and does not download a refused pack again', async () => {
    let offset = 0;
    const installed: { json: unknown; etag: string }[] = [];
    let refuse = false;
    const { up, engine } = await setup(0, {
      now: () => Date.now() + offset,
      installRulesPack: (json, etag) => {
        if (refuse) throw new Error('签名无效');
        installed.push({ json, etag });
      },
    });
    const etag1 = up.setRules({ version: '2026.11.1' });
    await engine.syncNow();
    expect(installed).toEqual([{ json: { version: '2026.11.1' }, etag: etag1 }]);

    offset += 11 * 60_000;
    await engine.syncNow();
    const rulesRequests = () => up.requests().filter((r) => r.endpoint === 'rules');
    expect(rulesRequests().map((r) => r.outcome)).toEqual([200, 304]);

    refuse = true;
    up.setRules({ version: '2026.12.1', tampered: true });
    offset += 11 * 60_000;
    const state = await engine.syncNow();
    expect(state.lastError).toBe('上级规则包未安装：签名无效');
    expect(installed).toHaveLength(1);
    for (let i = 0; i < 3; i += 1) {
      offset += 11 * 60_000;
      await engine.syncNow();
    }
    // Refused once, then 304 while the upstream still offers that same pack.
    expect(rulesRequests().map((r) => r.outcome)).toEqual([200, 304, 200, 304, 304, 304]);
    // Push and pull go on regardless.
    expect(engine.state()).toMatchObject({ online: true, lastError: '上级规则包未安装：签名无效' });

    refuse = false;
    up.setRules({ version: '2026.12.2' });
    offset += 11 * 60_000;
    expect((await engine.syncNow()).lastError).toBeNull();
    expect(installed.map((p) => p.json)).toEqual([{ version: '2026.11.1' }, { version: '2026.12.2' }]);
  });

  it('an upstream with no county pack (404) is no fault: the installed rules stay and the sync shows no error', async () => {
    const installed: unknown[] = [];
    const { up, ids, engine } = await setup(2, { installRulesPack: (json) => void installed.push(json) });
    up.setRules(null);
    const state = await engine.syncNow();
    expect(up.stored().map((t) => t.id)).toEqual(ids);
    expect(state).toMatchObject({ online: true, queued: 0, nextTryAt: null, lastError: null });
    expect(installed).toEqual([]);
  });
});

describe('through the Desk', () => {
  it('the screen hears of a returned transfer and of a new inbox item through Desk events', async () => {
    const up = await startUpstream();
    const db = openDatabase(join(tempDir(), 'fenliu.db'));
    const config = deskConfigSchema.parse({ desk: { id: 'nanbu-110-03', operatorId: 'op-7' }, undoWindowMs: 0, upstream: { url: up.url, token: up.token } });
    const desk = new Desk({ db, config, rules: fakeRules() });
    const engine = createSyncEngine({ db, config });
    desk.attachSync(engine);
    cleanups.push(async () => {
      await desk.close();
      await up.stop();
    });
    const lists: TransferView[][] = [];
    const inboxes: InboxItemView[][] = [];
    desk.on('transfers', (t) => lists.push(t));
    desk.on('inbox', (i) => inboxes.push(i));

    desk.setNote({ note: '邻居欠钱不还' });
    const result = desk.transfer({ trigger: 'hid-key' });
    if (result.kind !== 'transferred') throw new Error('fixture');
    await desk.syncNow();
    expect(up.stored().map((t) => t.id)).toEqual([result.transfer.id]);
    expect(lists.at(-1)![0]).toMatchObject({ id: result.transfer.id, status: 'sent' });

    up.advance(result.transfer.id, 'returned', { by: '县民政局', comment: '涉及人身安全，退回110' });
    up.pushInbox({ summary: '群众反映有人落水' });
    const state = await desk.syncNow();
    expect(state).toMatchObject({ configured: true, online: true, queued: 0 });
    expect(lists.at(-1)![0]).toMatchObject({ status: 'returned', needsAttention: true });
    expect(inboxes.at(-1)!.map((i) => i.summary)).toEqual(['群众反映有人落水']);
    expect(desk.snapshot().sync).toEqual(engine.state());

    desk.acknowledgeReturned({ transferId: result.transfer.id });
    expect(desk.listTransfers({})[0]!.needsAttention).toBe(false);
  });
});
