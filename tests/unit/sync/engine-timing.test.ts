// The sync's manners towards a sick upstream, on a fake clock: it backs off instead of hammering, honours
// Retry-After, stops on refused credentials until the configuration changes or five minutes pass, and stop()
// leaves nothing half-written.
import { afterEach, describe, expect, it } from 'vitest';
import { createSyncEngine, TransportError, type SyncEngine } from '../../../src-main/core/sync';
import { backoffCeiling } from '../../../src-main/core/sync/backoff';
import type { SyncStateView } from '../../../src-main/api/contract';
import { FakeClock, makeTransfers, openTestDb, outboxCount, statusOf, syncConfig } from '../../support/upstream/desk-fixture';
import { FakeTransport, healthyAnswer, json } from '../../support/upstream/fake-transport';
import { seededRandom } from '../../support/upstream/server';

const URL_ = 'https://linkage.test/api';
const MIN = 60_000;
const engines: SyncEngine[] = [];

function setup(opts: { random?: () => number; transfers?: number } = {}) {
  const clock = new FakeClock();
  const { db } = openTestDb();
  const ids = makeTransfers(db, opts.transfers ?? 3, { nowMs: clock.now() - 10_000 });
  const transport = new FakeTransport(clock.now);
  const states: SyncStateView[] = [];
  const engine = createSyncEngine({
    db,
    config: syncConfig({ url: URL_, token: 'tok-123456' }),
    now: clock.now,
    timers: clock,
    random: opts.random ?? seededRandom(42),
    transport,
  });
  engine.onState((s) => states.push(s));
  engines.push(engine);
  return { clock, db, ids, transport, engine, states };
}

afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.stop();
});

describe('while the upstream is down', () => {
  it('attempts follow exponential backoff with jitter instead of hammering, and resume when it is back', async () => {
    const { clock, db, transport, engine, states } = setup();
    transport.answer = () => new TransportError('refused', 'ECONNREFUSED');
    engine.start();
    await clock.advance(30 * MIN);

    const times = transport.log.map((r) => r.at);
    // Each failed round is one cheap health probe, not a batch of records.
    expect(new Set(transport.paths())).toEqual(new Set(['GET /api/v1/health']));
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    gaps.forEach((gap, i) => expect(gap, `wait after failure ${i + 1}`).toBeLessThanOrEqual(backoffCeiling(i + 1, { baseMs: 1000, capMs: 180_000 })));
    gaps.forEach((gap) => expect(gap).toBeGreaterThanOrEqual(100));
    // Full jitter over a doubling ceiling capped at 3 minutes: a few dozen attempts in half an hour, not thousands.
    expect(times.length).toBeGreaterThan(8);
    expect(times.length).toBeLessThan(45);
    const late = gaps.slice(-8);
    expect(late.reduce((a, b) => a + b, 0) / late.length).toBeGreaterThan(30_000);

    const offline = engine.state();
    expect(offline.online).toBe(false);
    expect(offline.lastError).toContain('无法连接上级平台');
    expect(offline.queued).toBe(3);
    expect(Date.parse(offline.nextTryAt!)).toBeGreaterThan(clock.now());

    // Back up: the next scheduled attempt (at most the cap away) delivers everything and clears the error.
    transport.answer = healthyAnswer;
    await clock.advance(3 * MIN);
    const online = engine.state();
    expect(online).toMatchObject({ online: true, queued: 0, lastError: null, nextTryAt: null });
    expect(outboxCount(db)).toBe(0);
    expect(states.at(-1)).toEqual(online);
  });

  it('with the worst draw each wait doubles until the cap of three minutes', async () => {
    const { clock, transport, engine } = setup({ random: () => 0.999_999 });
    transport.answer = () => new TransportError('timeout', 'UND_ERR_HEADERS_TIMEOUT');
    engine.start();
    await clock.advance(20 * MIN);
    const times = transport.log.map((r) => r.at);
    const gaps = times.slice(1).map((t, i) => Math.round((t - times[i]!) / 1000));
    expect(gaps.slice(0, 10)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 180, 180]);
  });

  it('a 5xx answer is backed off like a dead connection', async () => {
    const { clock, transport, engine } = setup({ random: () => 0.5 });
    transport.answer = (req) => (req.url.endsWith('/v1/health') ? json(200, { ok: true }) : json(500, { error: 'boom' }));
    engine.start();
    await clock.advance(5 * MIN);
    const pushes = transport.log.filter((r) => r.method === 'POST');
    expect(pushes.length).toBeGreaterThan(4);
    expect(pushes.length).toBeLessThan(15);
    expect(engine.state().lastError).toBe('上级平台暂时故障（HTTP 500）');
  });
});

describe('429 / 503 with Retry-After', () => {
  it('waits at least what the server asked, even when asked to sync now', async () => {
    const { clock, transport, engine } = setup({ random: () => 0 });
    let busy = true;
    transport.answer = (req) => (busy && req.method === 'POST' ? json(429, { error: 'slow down' }, { 'retry-after': '40' }) : healthyAnswer(req));
    engine.start();
    await clock.advance(0);
    const t0 = clock.now();
    expect(transport.log.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(engine.state().lastError).toContain('HTTP 429');
    expect(Date.parse(engine.state().nextTryAt!) - t0).toBeGreaterThanOrEqual(40_000);

    await engine.syncNow();
    await clock.advance(39_000);
    expect(transport.log.filter((r) => r.method === 'POST')).toHaveLength(1);
    busy = false;
    await clock.advance(1_500);
    expect(transport.log.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(engine.state().queued).toBe(0);
  });

  it('reads an HTTP-date Retry-After', async () => {
    const { clock, transport, engine } = setup({ random: () => 0 });
    const until = new Date(clock.now() + 90_000).toUTCString();
    let first = true;
    transport.answer = (req) => {
      if (req.method === 'POST' && first) {
        first = false;
        return json(503, { error: 'maintenance' }, { 'retry-after': until });
      }
      return healthyAnswer(req);
    };
    engine.start();
    await clock.advance(89_000);
    expect(transport.log.filter((r) => r.method === 'POST')).toHaveLength(1);
    await clock.advance(2_000);
    expect(transport.log.filter((r) => r.method === 'POST')).toHaveLength(2);
  });
});

describe('refused credentials', () => {
  it('stops, says so, and tries again after five minutes', async () => {
    const { clock, transport, engine } = setup();
    transport.answer = () => json(401, { error: 'unknown desk' });
    engine.start();
    await clock.advance(0);
    expect(transport.log).toHaveLength(1);
    const state = engine.state();
    expect(state.credentialsRefused).toBe(true);
    expect(state.lastError).toContain('上级平台拒绝本席位的凭据');
    expect(Date.parse(state.nextTryAt!) - clock.now()).toBe(5 * MIN);

    await engine.syncNow();
    await clock.advance(5 * MIN - 1000);
    expect(transport.log).toHaveLength(1);
    await clock.advance(2000);
    expect(transport.log).toHaveLength(2);
  });

  it('tries at once after the configuration changes, with the new token', async () => {
    const { clock, transport, engine, db } = setup();
    transport.answer = (req) => (req.headers.authorization === 'Bearer new-token-789' ? healthyAnswer(req) : json(403, { error: 'revoked' }));
    engine.start();
    await clock.advance(1000);
    expect(engine.state().credentialsRefused).toBe(true);
    engine.updateConfig(syncConfig({ url: URL_, token: 'new-token-789' }));
    await clock.advance(0);
    expect(engine.state()).toMatchObject({ credentialsRefused: false, online: true, lastError: null, queued: 0 });
    expect(outboxCount(db)).toBe(0);
    expect(transport.log.at(-1)!.headers['x-desk-id']).toBe('nanbu-110-03');
  });
});

describe('syncUntilEmpty (the CLI)', () => {
  it('keeps trying with the backoff and gives up when the time is up, with the records still queued', async () => {
    const { clock, transport, engine, db } = setup({ random: () => 0.999_999 });
    transport.answer = () => new TransportError('reset', 'ECONNRESET');
    let report: Awaited<ReturnType<typeof engine.syncUntilEmpty>> | null = null;
    void engine.syncUntilEmpty(60_000).then((r) => (report = r));
    await clock.advance(30_000);
    expect(report).toBeNull();
    // 1 + 2 + 4 + 8 + 16 s of waits fit in a minute; the next (32 s) would end past it, so it stops there.
    await clock.advance(2_000);
    expect(report).toMatchObject({ pushed: 0, pending: 3, lastError: '与上级平台的连接中断（ECONNRESET）' });
    expect(transport.log.map((r) => Math.round((r.at - transport.log[0]!.at) / 1000))).toEqual([0, 1, 3, 7, 15, 31]);
    expect(outboxCount(db)).toBe(3);
  });
});

describe('stop()', () => {
  it('waits for the request in flight and writes nothing after it', async () => {
    const { clock, transport, engine, db, ids } = setup();
    let release: (() => void) | null = null;
    transport.answer = (req) => {
      if (req.method !== 'POST') return healthyAnswer(req);
      // An answer that arrives after stop() was called (a transport that ignores the abort).
      return new Promise((resolve) => {
        release = () => resolve(healthyAnswer(req));
      });
    };
    engine.start();
    await clock.advance(0);
    expect(release).not.toBeNull();
    let stopped = false;
    const stopping = engine.stop().then(() => (stopped = true));
    await clock.advance(0);
    expect(stopped).toBe(false);
    release!();
    await stopping;
    expect(ids.map((id) => statusOf(db, id))).toEqual(['queued', 'queued', 'queued']);
    expect(outboxCount(db)).toBe(3);
    expect(clock.timersPending()).toBe(0);
  });
});

describe('state', () => {
  it('is emitted on change and tells queued from those still in their undo window', async () => {
    const { clock, transport, engine, db, states } = setup();
    makeTransfers(db, 2, { nowMs: clock.now(), holdMs: 5000, prefix: 'held' });
    transport.answer = () => new TransportError('refused', 'ECONNREFUSED');
    engine.start();
    await clock.advance(0);
    expect(engine.state()).toMatchObject({ configured: true, online: false, queued: 3, pending: 2, credentialsRefused: false });
    const emitted = states.length;
    await engine.syncNow();
    await clock.advance(0);
    // Another identical failure: nothing new to tell (only nextTryAt moves, which is a change).
    expect(states.length - emitted).toBeLessThanOrEqual(2);
    await clock.advance(6000);
    expect(engine.state()).toMatchObject({ queued: 5, pending: 0 });
  });

  it('without an upstream URL it is not configured and never touches the network', async () => {
    const clock = new FakeClock();
    const { db } = openTestDb();
    const transport = new FakeTransport(clock.now);
    const engine = createSyncEngine({ db, config: syncConfig({}), now: clock.now, timers: clock, transport });
    engines.push(engine);
    engine.start();
    await engine.syncNow();
    await clock.advance(10 * MIN);
    expect(transport.log).toHaveLength(0);
    expect(engine.state()).toMatchObject({ configured: false, online: false });
  });

  it('with a URL but no token it says what is missing', () => {
    const { db } = openTestDb();
    const engine = createSyncEngine({ db, config: syncConfig({ url: URL_ }) });
    engines.push(engine);
    expect(engine.state()).toMatchObject({ configured: true, lastError: '未配置上级平台令牌（upstream.token）' });
  });
});
