// Done-when of issue 5: through a network where 30% of requests fail in every way the contract allows, 1,000
// transfers each end up stored upstream exactly once, in a bounded number of requests, and what became of
// them comes back once each.
import { afterEach, describe, expect, it } from 'vitest';
import { createSyncEngine } from '../../../src-main/core/sync';
import { startUpstream, type FaultKind, type Upstream } from '../../support/upstream/server';
import { makeTransfers, openTestDb, outboxCount, syncConfig } from '../../support/upstream/desk-fixture';

const ALL_FAULTS: FaultKind[] = [
  'delay', 'error-500', 'error-502', 'busy-429', 'busy-503', 'drop', 'lost-ack', 'malformed', 'slow-body',
  'refuse-credentials', 'repeat-updates',
];

let up: Upstream | null = null;
afterEach(async () => {
  await up?.stop();
  up = null;
});

describe('exactly once through bad weather', () => {
  it('stores 1,000 transfers upstream exactly once with 30% of requests failing', async () => {
    up = await startUpstream({
      autoReceive: true,
      faults: { rate: 0.3, kinds: ALL_FAULTS, seed: 20261129 },
      retryAfter: '0',
      delayMs: 700,
      slowMs: 700,
    });
    // Whatever the dice say, pushes meet the faults that make a naive client send twice or lose records.
    up.queueFaultsOn('push', 'lost-ack', 'delay', 'drop', 'busy-503', 'lost-ack');
    const { db } = openTestDb();
    const engine = createSyncEngine({
      db,
      config: syncConfig({ url: up.url, token: up.token, timeoutMs: 500 }),
      backoff: { baseMs: 5, capMs: 40 },
      credentialsRetryMs: 20,
    });

    // Calls keep coming while the desk syncs: 50 waves of 20 transfers, each followed by the desk's "sync now".
    const ids: string[] = [];
    for (let wave = 0; wave < 50; wave += 1) {
      ids.push(...makeTransfers(db, 20, { prefix: `wave${wave}` }));
      await engine.syncNow();
    }
    const report = await engine.syncUntilEmpty(60_000);
    // Then a few more rounds to bring every status update home.
    for (let i = 0; i < 40 && (db.prepare("SELECT count(*) AS n FROM transfers WHERE status = 'sent'").get() as { n: number }).n > 0; i += 1) {
      await engine.syncUntilEmpty(5_000);
      await new Promise((r) => setTimeout(r, 20));
    }
    await engine.stop();

    const stored = up.stored();
    expect(stored).toHaveLength(1000);
    expect(new Set(stored.map((t) => t.id))).toEqual(new Set(ids));
    expect(up.counts().created).toBe(1000);
    expect(outboxCount(db)).toBe(0);
    expect(report.pending).toBe(0);

    const log = up.requests();
    const faulted = log.filter((r) => typeof r.outcome === 'string' && r.outcome !== 'repeat-updates');
    expect(faulted.length / log.length).toBeGreaterThan(0.2);
    const posts = log.filter((r) => r.endpoint === 'push');
    const failedPosts = posts.filter((r) => typeof r.outcome === 'string');
    expect(failedPosts.length).toBeGreaterThanOrEqual(5);
    // Records sent again: only those whose acknowledgement the desk never read (lost, or after it gave up).
    const unacknowledged = posts.filter((r) => r.outcome === 'lost-ack' || r.outcome === 'delay' || r.outcome === 'slow-body');
    expect(up.counts().duplicates).toBeGreaterThan(0);
    expect(up.counts().duplicates).toBeLessThanOrEqual(unacknowledged.reduce((n, r) => n + (r.records ?? 0), 0));
    // Bounded: one push per wave (their records fit a batch) plus one retry per failed push.
    expect(posts.length).toBeLessThanOrEqual(50 + failedPosts.length);
    expect(log.length).toBeLessThan(400);

    // Every "received" came back and was stored once, however often it was delivered.
    expect(db.prepare('SELECT status, count(*) AS n FROM transfers GROUP BY status').all()).toEqual([{ status: 'received', n: 1000 }]);
    expect(db.prepare('SELECT count(*) AS n, sum(known) AS known FROM status_updates').get()).toEqual({ n: 1000, known: 1000 });
    db.close();
  }, 60_000);
});
