// Bad upstream answers, property-based: random JSON, wrong types, shapes that are nearly the contract's, odd
// headers, transport failures, very large and very deep bodies — against the real sync engine with a scripted
// transport; and a slow drip of random bytes over real HTTP. Each sync round ends (no hang, no throw), the
// database and audit chain stay intact, a transfer leaves the outbox only when an answer really named it, and
// nothing the call-taker wrote is changed.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSyncEngine, TransportError, type TransportRequest, type TransportResponse } from '../../../src-main/core/sync';
import { verifyAudit } from '../../../src-main/core/store/audit';
import { pushResponseSchema } from '../../../src-main/core/sync/schemas';
import type { Db } from '../../../src-main/core/store/database';
import { FakeTransport } from '../../support/upstream/fake-transport';
import { makeTransfers, openTestDb, syncConfig } from '../../support/upstream/desk-fixture';
import { oddJson, type Json } from '../../support/faults/mutate';

const STATUSES = ['received', 'accepted', 'resolved', 'returned'];
const FAILURES = ['timeout', 'refused', 'reset', 'tls', 'dns', 'too-large', 'aborted', 'network'] as const;

/** One answer: made once the request is known, so it can name the ids that were sent. */
type Answer = (req: TransportRequest, sentIds: string[]) => TransportResponse | TransportError;

const pick = <T,>(xs: readonly T[], i: number) => xs[Math.abs(i) % xs.length]!;

const idFrom = fc.oneof({ weight: 4, arbitrary: fc.nat().map((i) => ({ sent: i }) as const) }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => ({ other: s }) as const) });
const timestamp = mostlyTimestamp();
function mostlyTimestamp(): fc.Arbitrary<Json> {
  return fc.oneof({ weight: 4, arbitrary: fc.constant('2026-11-29T09:15:02.113+08:00') }, { weight: 1, arbitrary: oddJson });
}

/** A body near the contract's shape for whatever was asked, with any field allowed to be wrong. */
/** Mostly right, sometimes any JSON at all: one wrong field is enough for a page to be refused. */
const mostly = <T,>(right: fc.Arbitrary<T>) => fc.oneof({ weight: 8, arbitrary: right as fc.Arbitrary<Json | T> }, { weight: 1, arbitrary: oddJson });

const nearContract = fc.record({
  results: fc.array(fc.record({ id: idFrom, status: mostly(fc.constantFrom('created', 'duplicate', 'invalid')), error: mostly(fc.option(fc.string({ maxLength: 40 }), { nil: undefined })) }), { maxLength: 8 }),
  updates: fc.array(
    fc.record({ transferId: idFrom, status: mostly(fc.constantFrom(...STATUSES)), at: timestamp, by: mostly(fc.string({ maxLength: 20 })), dueAt: mostly(fc.constant(null)), comment: mostly(fc.string({ maxLength: 20 })) }),
    { maxLength: 6 },
  ),
  items: fc.array(fc.record({ id: oddJson, from: oddJson, receivedAt: timestamp, callerNumber: oddJson, summary: oddJson, category: oddJson }), { maxLength: 4 }),
  next: oddJson,
  dropField: fc.boolean(),
  /** One result per record sent, in order (as the contract says), each with a status that may still be wrong. */
  exact: fc.option(fc.array(mostly(fc.constantFrom('created', 'duplicate', 'invalid')), { minLength: 8, maxLength: 8 }), { freq: 2 }),
});

const answer: fc.Arbitrary<Answer> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.tuple(nearContract, fc.constantFrom(200, 200, 200, 400, 413, 500)).map(([shape, status]): Answer => (req, sent) => {
      const ids = (ref: { sent: number } | { other: string }) => ('sent' in ref ? (sent.length ? pick(sent, ref.sent) : 'none') : ref.other);
      const path = new URL(req.url).pathname;
      let body: Record<string, Json>;
      if (path.endsWith('/v1/transfers')) {
        const exact = shape.exact;
        body = { results: (exact ? sent.map((id, i) => ({ id, status: exact[i]!, ...(exact[i] === 'invalid' ? { error: 'note: too long' } : {}) })) : shape.results.map((r) => ({ ...r, id: ids(r.id) }))) as Json };
      }
      else if (path.endsWith('/updates')) body = { updates: shape.updates.map((u) => ({ ...u, transferId: ids(u.transferId) })) as Json, next: shape.next };
      else if (path.endsWith('/v1/inbox')) body = { items: shape.items as Json, next: shape.next };
      else body = { ok: true };
      if (shape.dropField) delete body[Object.keys(body)[0]!];
      return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
    }),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom(200, 201, 204, 301, 304, 400, 401, 403, 404, 413, 429, 500, 502, 503), oddJson, fc.option(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('1', '-5', '99999999', 'Wed, 21 Oct 2015 07:28:00 GMT', 'NaN')))).map(
      ([status, json, retryAfter]): Answer => () => ({ status, headers: { 'content-type': 'application/json', ...(retryAfter === null ? {} : { 'retry-after': retryAfter }) }, body: JSON.stringify(json) ?? '' }),
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }).map((text): Answer => () => ({ status: 200, headers: { 'content-type': 'text/html' }, body: text })) },
  { weight: 1, arbitrary: fc.constantFrom(...FAILURES).map((kind): Answer => () => new TransportError(kind, 'TEST')) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      // Large (within the transport's cap) and deep bodies reach the JSON parser as they are.
      `{"results":[${'{"id":"x","status":"created"},'.repeat(20_000)}{"id":"y","status":"created"}]}`,
      `{"updates":${'['.repeat(100_000)}${']'.repeat(100_000)},"next":"c"}`,
      `{"items":[{"summary":"${'长'.repeat(300_000)}"}],"next":"c"}`,
    ).map((body): Answer => () => ({ status: 200, headers: { 'content-type': 'application/json' }, body })),
  },
);

interface Row {
  id: string;
  [column: string]: unknown;
}
/** What the call-taker wrote; only status fields may change through the sync. */
const WRITTEN = ['id', 'call_id', 'desk_id', 'operator_id', 'caller_number', 'call_started_at', 'transferred_at', 'target', 'target_number', 'category', 'red_flag', 'override', 'trigger', 'note', 'rules_version', 'matched_terms'];

function written(db: Db): Map<string, string> {
  return new Map((db.prepare('SELECT * FROM transfers').all() as Row[]).map((r) => [r.id, JSON.stringify(WRITTEN.map((c) => r[c]))]));
}

describe('upstream answers, property-based', () => {
  it('random and nearly-right answers: each round ends, nothing lost or changed, the outbox moves only on a real answer', async () => {
    let rounds = 0;
    let delivered = 0;
    await fc.assert(
      // Mostly a healthy probe first, so that the answers reach the push and the pulls behind it.
      fc.asyncProperty(fc.array(answer, { minLength: 1, maxLength: 8 }), fc.boolean(), fc.boolean(), async (answers, healthy, healthy2) => {
        const { db } = openTestDb();
        const ids = makeTransfers(db, 4, { nowMs: Date.now() - 60_000 });
        const before = written(db);
        // What the answers to pushes said about which ids: delivered (created/duplicate) or refused (invalid, or a
        // batch of one refused as a whole with 400, which the contract's batch splitting ends in).
        const deliveredIds = new Set<string>();
        const refusedIds = new Set<string>();
        const exchanges: string[] = [];
        let next = 0;
        const transport = new FakeTransport(Date.now, (req) => {
          if ((healthy || healthy2) && new URL(req.url).pathname.endsWith('/v1/health')) return { status: 200, headers: {}, body: '{"ok":true}' };
          const sent = req.body ? ((JSON.parse(req.body) as { records?: { id: string }[] }).records ?? []).map((r) => r.id) : [];
          const result = answers[next++ % answers.length]!(req, sent);
          exchanges.push(`${req.method} ${new URL(req.url).pathname} sent=${sent.length} → ${result instanceof TransportError ? result.message : `${result.status} ${result.body.slice(0, 300)}`}`);
          if (!(result instanceof TransportError) && (result.status === 200 || result.status === 400) && req.method === 'POST') {
            // Per-record results only when the body is the contract's results document; otherwise a 400 refuses the
            // whole batch (which, for a batch of one, names that one record).
            let parsed: ReturnType<typeof pushResponseSchema.safeParse> | null = null;
            try {
              parsed = pushResponseSchema.safeParse(JSON.parse(result.body));
            } catch {
              // not JSON
            }
            if (parsed?.success) {
              for (const r of parsed.data.results) (r.status === 'invalid' ? refusedIds : deliveredIds).add(r.id);
            } else if (result.status === 400 && sent.length === 1) refusedIds.add(sent[0]!);
          }
          return result;
        });
        const engine = createSyncEngine({ db, config: syncConfig({ url: 'http://upstream.test/api', token: 't' }), transport, installRulesPack: () => undefined });
        try {
          const report = await Promise.race([
            engine.syncOnce(3000),
            new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the sync round did not end')), 6000)),
          ]);
          expect(typeof report.pending).toBe('number');
          rounds += 1;
        } finally {
          await engine.stop();
        }
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(verifyAudit(db).ok).toBe(true);
        expect(written(db)).toEqual(before);
        const left = new Set((db.prepare('SELECT transfer_id FROM outbox').all() as { transfer_id: string }[]).map((r) => r.transfer_id));
        const status = db.prepare('SELECT status FROM transfers WHERE id = ?').pluck();
        for (const id of ids) {
          if (left.has(id)) continue;
          delivered += 1;
          const why = `transfer ${id} left the outbox as ${String(status.get(id))}:\n${exchanges.join('\n')}`;
          if (status.get(id) === 'rejected') expect(refusedIds.has(id), why).toBe(true);
          else expect(deliveredIds.has(id), why).toBe(true);
        }
        db.close();
      }),
      { numRuns: 120, seed: 41 },
    );
    expect(rounds).toBe(120);
    // Some answers were good enough to deliver: the property looked at both sides.
    expect(delivered).toBeGreaterThan(20);
  }, 120_000);

  it('a slow drip of random bytes over real HTTP: the round ends by its deadline, the outbox is untouched', async () => {
    const runs = fc.sample(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.integer({ min: 20, max: 200 }), fc.constantFrom(200, 500)), { numRuns: 3, seed: 42 });
    for (const [bytes, everyMs, status] of runs) {
      const server = createServer((_req, res) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        let i = 0;
        const drip = setInterval(() => res.write(Buffer.from([bytes[i++ % bytes.length]!])), everyMs);
        res.on('close', () => clearInterval(drip));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { db } = openTestDb();
      makeTransfers(db, 2);
      const engine = createSyncEngine({ db, config: syncConfig({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, token: 't', timeoutMs: 500 }) });
      const t0 = Date.now();
      try {
        const report = await engine.syncOnce(1500);
        expect(Date.now() - t0).toBeLessThan(3000);
        expect(report.pending).toBe(2);
        expect(report.lastError).toEqual(expect.any(String));
      } finally {
        await engine.stop();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
      expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(2);
      db.close();
    }
  }, 30_000);
});
