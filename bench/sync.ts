// Drain of a long outbox: 100,000 queued transfers pushed by the sync engine to a loopback test upstream running
// in its own process. Baseline in the same run, interleaved with it: a bare HTTP client (undici, one request at a
// time, bodies built beforehand) posting the same batches to the same server.
//   syncDrainRecordsPerSec   records delivered per second by the engine (read, serialize, POST, mark delivered)
//   syncDrainRatio           that ÷ the bare client's rate (bar ≥ 0.5)
//   syncDrainPeakRssMb       peak RSS of the desk process while draining (flat: the backlog is paged from SQLite)
//   syncDrainRssGrowthMb     that peak minus the RSS when the drain started
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { openDatabase, type Db } from '../src-main/core/store/database';
import { deskConfigSchema } from '../src-main/core/config/schema';
import { createHttpTransport, createSyncEngine, type Transport } from '../src-main/core/sync';
import { toUpstreamTransfer, type TransferRow } from '../src-main/core/transfers/repository';
import { toRfc3339 } from '../src-main/core/store/time';
import { uuidv7 } from '../src-main/core/store/ids';
import { round } from './stats';

const RECORDS = Number(process.env.FENLIU_BENCH_SYNC_RECORDS ?? 100_000);
const BATCH = 200;
/** Engine batches between two segments of the bare client (and the size of each segment). */
const SEGMENT = 25;

export async function benchSync(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'fenliu-bench-sync-'));
  const server = await startServerProcess();
  const bareAgent = new Agent({ keepAliveTimeout: 4000, connections: 4 });
  try {
    const db = openDatabase(join(dir, 'fenliu.db'));
    fillOutbox(db, RECORDS);
    await warmUp(server, bareAgent);

    // The machine is shared and its load drifts, so the two are interleaved: before every SEGMENT-th batch of
    // the engine, the bare client posts the next SEGMENT batches; its time is taken out of the engine's.
    const bare = new BareClient(db, server, bareAgent);
    let engineBatches = 0;
    let inBare = false;
    const inner = createHttpTransport({ timeoutMs: 60_000 });
    const transport: Transport = {
      async send(req) {
        if (req.method === 'POST' && engineBatches++ % SEGMENT === 0) {
          inBare = true;
          await bare.segment(SEGMENT);
          inBare = false;
        }
        return inner.send(req);
      },
      close: () => inner.close(),
    };

    const startRss = process.memoryUsage.rss();
    let peakRss = startRss;
    const sampler = setInterval(() => {
      if (!inBare) peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 20);
    const config = deskConfigSchema.parse({ desk: { id: 'bench-desk' }, upstream: { url: server.url, token: server.token, timeoutMs: 60_000 } });
    const engine = createSyncEngine({ db, config, transport });
    const t0 = performance.now();
    const report = await engine.syncUntilEmpty(600_000);
    const engineMs = performance.now() - t0 - bare.totalMs;
    clearInterval(sampler);
    await engine.stop();
    await bare.segment(Number.POSITIVE_INFINITY);
    const stats = await server.ask<{ created: number }>('stats');
    if (report.pending !== 0 || stats.created !== 2 * RECORDS) throw new Error(`drain incomplete: ${JSON.stringify({ report, stats })}`);
    db.close();

    const engineRate = RECORDS / (engineMs / 1000);
    const bareRate = bare.records / (bare.postMs / 1000);
    return {
      syncDrainRecordsPerSec: Math.round(engineRate),
      syncDrainBareClientRecordsPerSec: Math.round(bareRate),
      syncDrainRatio: round(engineRate / bareRate, 3),
      syncDrainPeakRssMb: round(peakRss / (1024 * 1024), 1),
      syncDrainRssGrowthMb: round((peakRss - startRss) / (1024 * 1024), 1),
    };
  } finally {
    await bareAgent.close();
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The baseline: the same records (under other ids, so the upstream stores them rather than finding duplicates),
 * in the same batches, bodies built before the clock starts, posted one at a time and each answer parsed.
 */
class BareClient {
  records = 0;
  postMs = 0;
  totalMs = 0;
  private afterMs = -1;

  constructor(private readonly db: Db, private readonly server: ServerProcess, private readonly agent: Agent) {}

  async segment(batches: number): Promise<void> {
    const t0 = performance.now();
    const read = this.db.prepare('SELECT * FROM transfers WHERE transferred_ms > ? ORDER BY transferred_ms LIMIT ?');
    for (let done = 0; done < batches; done += 1) {
      const rows = read.all(this.afterMs, BATCH) as TransferRow[];
      if (rows.length === 0) break;
      this.afterMs = rows.at(-1)!.transferred_ms;
      const body = `{"deskId":"bench-desk","records":[${rows.map((row) => JSON.stringify({ ...toUpstreamTransfer(row), id: `${row.id}-bare` })).join(',')}]}`;
      const t1 = performance.now();
      const res = await request(`${this.server.url}/v1/transfers`, {
        dispatcher: this.agent,
        method: 'POST',
        headers: { authorization: `Bearer ${this.server.token}`, 'x-desk-id': 'bench-desk', 'content-type': 'application/json' },
        body,
      });
      const answer = (await res.body.json()) as { results: unknown[] };
      this.postMs += performance.now() - t1;
      if (res.statusCode !== 200 || answer.results.length !== rows.length) throw new Error(`bare client: HTTP ${res.statusCode}`);
      this.records += rows.length;
    }
    this.totalMs += performance.now() - t0;
  }
}

/** 100,000 queued transfers written straight into the tables (with their calls and outbox rows), one transaction. */
function fillOutbox(db: Db, count: number): void {
  const start = Date.now() - 3_600_000;
  const insertCall = db.prepare("INSERT INTO calls (id, started_at, caller_number, note, disposition, disposition_at) VALUES (?, ?, ?, ?, 'transferred', ?)");
  const insertTransfer = db.prepare(
    `INSERT INTO transfers (id, call_id, desk_id, operator_id, caller_number, call_started_at, transferred_at, transferred_ms,
       target, target_number, category, red_flag, override, trigger, note, rules_version, matched_terms, status, hold_until_ms, status_at)
     VALUES (?, ?, 'bench-desk', 'op-1', ?, ?, ?, ?, 'civic', '12345', 'civic.noise', 0, NULL, 'hid-key', ?, '2026.11.1', '["装修","噪音"]', 'queued', ?, ?)`,
  );
  const insertOutbox = db.prepare('INSERT INTO outbox (transfer_id, not_before_ms) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < count; i += 1) {
      const ms = start + i * 10;
      const at = toRfc3339(ms);
      const callId = `bench-call-${i}`;
      const note = `报警人称楼上装修噪音太大，已经持续三个小时，影响老人休息，希望有关部门处理（第${i}号）`;
      const id = uuidv7(ms);
      insertCall.run(callId, at, '13800000000', note, at);
      insertTransfer.run(id, callId, '13800000000', at, at, ms, note, ms, at);
      insertOutbox.run(id, ms);
    }
  })();
}

/** A few hundred requests so both runs meet a warmed-up server (JIT, sockets). */
async function warmUp(server: ServerProcess, agent: Agent): Promise<void> {
  for (let i = 0; i < 30; i += 1) {
    const records = Array.from({ length: BATCH }, (_, j) => ({
      id: `warm-${i}-${j}`, callId: `warm-${i}-${j}`, deskId: 'bench-desk', operatorId: 'op-1', callerNumber: null,
      callStartedAt: toRfc3339(Date.now()), transferredAt: toRfc3339(Date.now()), target: 'civic', targetNumber: '12345',
      category: 'civic.noise', redFlag: false, override: null, trigger: 'hid-key', note: '预热', rulesVersion: 'x', matchedTerms: [],
    }));
    const res = await request(`${server.url}/v1/transfers`, {
      dispatcher: agent,
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'x-desk-id': 'bench-desk', 'content-type': 'application/json' },
      body: JSON.stringify({ deskId: 'bench-desk', records }),
    });
    await res.body.dump();
  }
  await server.ask('reset');
}

interface ServerProcess {
  url: string;
  token: string;
  ask<T = unknown>(type: string): Promise<T>;
  stop(): void;
}

function startServerProcess(): Promise<ServerProcess> {
  const script = fileURLToPath(new URL('../tests/support/upstream/child.ts', import.meta.url));
  const child: ChildProcess = fork(script, ['bench-token-0123456789'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`upstream process exited (${code})`)));
    child.once('message', (ready: { type: string; url: string; token: string }) => {
      resolve({
        url: ready.url,
        token: ready.token,
        ask: (type) =>
          new Promise((answer) => {
            child.once('message', (m) => answer(m as never));
            child.send({ type });
          }),
        stop: () => {
          child.removeAllListeners('exit');
          child.kill();
        },
      });
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${JSON.stringify(await benchSync())}\n`);
}
