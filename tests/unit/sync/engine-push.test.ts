// What goes over the wire, and how answers that bend the contract are handled (scripted transport).
import { afterEach, describe, expect, it } from 'vitest';
import { createSyncEngine, type SyncEngine } from '../../../src-main/core/sync';
import { FakeClock, makeTransfers, openTestDb, outboxCount, statusOf, syncConfig } from '../../support/upstream/desk-fixture';
import { FakeTransport, healthyAnswer, json } from '../../support/upstream/fake-transport';

const engines: SyncEngine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
});

function setup(count = 3) {
  const clock = new FakeClock();
  const { db } = openTestDb();
  const ids = makeTransfers(db, count, { nowMs: clock.now() - 1000 });
  const transport = new FakeTransport(clock.now);
  const engine = createSyncEngine({ db, config: syncConfig({ url: 'https://linkage.test/api/', token: 'tok-abcdef' }), now: clock.now, timers: clock, transport, random: () => 0.5 });
  engines.push(engine);
  return { clock, db, ids, transport, engine };
}

describe('the request', () => {
  it('carries the bearer token, the desk id and the records exactly as the contract defines them', async () => {
    const { transport, engine, ids } = setup(2);
    await engine.syncNow();
    const push = transport.log.find((r) => r.method === 'POST')!;
    expect(push.path).toBe('/api/v1/transfers');
    expect(push.headers).toMatchObject({ authorization: 'Bearer tok-abcdef', 'x-desk-id': 'nanbu-110-03', 'content-type': 'application/json; charset=utf-8' });
    const body = JSON.parse(push.body!);
    expect(body.deskId).toBe('nanbu-110-03');
    expect(body.records.map((r: { id: string }) => r.id)).toEqual(ids);
    expect(Object.keys(body.records[0]).sort()).toEqual(
      ['id', 'callId', 'deskId', 'operatorId', 'callerNumber', 'callStartedAt', 'transferredAt', 'target', 'targetNumber', 'category', 'redFlag', 'override', 'trigger', 'note', 'rulesVersion', 'matchedTerms'].sort(),
    );
    expect(body.records[0]).toMatchObject({ target: 'civic', redFlag: false, override: null, trigger: 'hid-key', matchedTerms: ['装修'] });
    expect(transport.paths()).toEqual(['GET /api/v1/health', 'POST /api/v1/transfers', 'GET /api/v1/transfers/updates', 'GET /api/v1/inbox']);
  });

  it('probes health only while offline', async () => {
    const { transport, engine } = setup(0);
    await engine.syncNow();
    await engine.syncNow();
    expect(transport.paths().filter((p) => p.endsWith('/health'))).toHaveLength(1);
  });
});

describe('batch limits', () => {
  it('a record that alone exceeds 1 MiB is rejected at the desk and does not hold up the others', async () => {
    const { transport, engine, db, ids } = setup(3);
    db.prepare('UPDATE transfers SET note = ? WHERE id = ?').run('噪'.repeat(400_000), ids[1]);
    const state = await engine.syncNow();
    const pushed = transport.log.filter((r) => r.method === 'POST').flatMap((r) => JSON.parse(r.body!).records.map((x: { id: string }) => x.id));
    expect(pushed).toEqual([ids[0], ids[2]]);
    expect(statusOf(db, ids[1]!)).toBe('rejected');
    expect(db.prepare('SELECT rejected_error FROM transfers WHERE id = ?').get(ids[1])).toEqual({ rejected_error: '记录超过 1 MiB，上级平台不会接收' });
    expect(state).toMatchObject({ queued: 0, rejected: 1 });
  });

  it('never puts more than 200 records or 1 MiB in one request', async () => {
    const { transport, engine } = setup(450);
    await engine.syncNow();
    const bodies = transport.log.filter((r) => r.method === 'POST').map((r) => r.body!);
    expect(bodies.map((b) => JSON.parse(b).records.length)).toEqual([200, 200, 50]);
    for (const body of bodies) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(1024 * 1024);
  });
});

describe('answers that bend the contract', () => {
  it('results missing for some records: those stay queued, the round counts as failed', async () => {
    const { transport, engine, db, ids } = setup(3);
    transport.answer = (req) => {
      if (req.method !== 'POST') return healthyAnswer(req);
      return json(200, { results: [{ id: ids[0], status: 'created' }, { id: 'someone-else', status: 'created' }] });
    };
    const state = await engine.syncNow();
    expect(statusOf(db, ids[0]!)).toBe('sent');
    expect(outboxCount(db)).toBe(2);
    expect(state.lastError).toContain('没有结果');
    expect(state.nextTryAt).not.toBeNull();
  });

  it('a 400 that does carry results is read as results', async () => {
    const { transport, engine, db, ids } = setup(2);
    transport.answer = (req) =>
      req.method !== 'POST' ? healthyAnswer(req) : json(400, { results: [{ id: ids[0], status: 'duplicate' }, { id: ids[1], status: 'invalid', error: 'target: unknown' }] });
    const state = await engine.syncNow();
    expect(statusOf(db, ids[0]!)).toBe('sent');
    expect(statusOf(db, ids[1]!)).toBe('rejected');
    expect(state).toMatchObject({ queued: 0, rejected: 1 });
  });

  it('a delivered record whose status the upstream already moved on keeps that status', async () => {
    const { transport, engine, db, ids } = setup(1);
    // The acknowledgement was lost; by the time the record is sent again the update has arrived.
    let first = true;
    transport.answer = (req) => {
      const path = new URL(req.url).pathname;
      if (req.method === 'POST' && first) {
        first = false;
        return json(502, {});
      }
      if (req.method === 'POST') return json(200, { results: [{ id: ids[0], status: 'duplicate' }] });
      if (path.endsWith('/updates')) return json(200, { updates: [{ transferId: ids[0], status: 'accepted', at: '2026-11-29T09:10:00+08:00', by: '县住建局' }], next: 'c-1' });
      return healthyAnswer(req);
    };
    await engine.syncNow();
    expect(statusOf(db, ids[0]!)).toBe('queued');
    db.prepare("UPDATE transfers SET status = 'accepted' WHERE id = ?").run(ids[0]);
    await engine.syncNow();
    expect(statusOf(db, ids[0]!)).toBe('accepted');
    expect(outboxCount(db)).toBe(0);
  });

  it('a status update page with one malformed item stores the others', async () => {
    const { transport, engine, db, ids } = setup(2);
    transport.answer = (req) =>
      new URL(req.url).pathname.endsWith('/updates')
        ? json(200, { updates: [{ transferId: ids[0], status: 'received', at: 'yesterday' }, { transferId: ids[1], status: 'received', at: '2026-11-29T09:10:00+08:00' }, 42], next: 'c-3' })
        : healthyAnswer(req);
    const state = await engine.syncNow();
    expect(state.lastError).toBeNull();
    expect([statusOf(db, ids[0]!), statusOf(db, ids[1]!)]).toEqual(['sent', 'received']);
  });

  it('a malformed updates envelope leaves the cursor where it was', async () => {
    const { transport, engine, db } = setup(0);
    db.prepare("INSERT INTO sync_state (key, value) VALUES ('updates.cursor', 'c-7')").run();
    transport.answer = (req) => (new URL(req.url).pathname.endsWith('/updates') ? json(200, { updates: 'none', next: 5 }) : healthyAnswer(req));
    const state = await engine.syncNow();
    expect(state.lastError).toContain('上级平台的回复格式不对（updates');
    expect(db.prepare("SELECT value FROM sync_state WHERE key = 'updates.cursor'").get()).toEqual({ value: 'c-7' });
    expect(transport.log.find((r) => r.path.includes('/updates'))!.path).toContain('after=c-7');
  });
});
