// The crash harness: the desk process is killed (SIGKILL) at random moments while it transfers, undoes, closes
// calls and syncs with the test upstream — 200 rounds over two data dirs, two desks at a time. After every round:
// integrity_check is ok, the audit chain verifies, every transfer / undo / disposition the desk reported is stored,
// no transfer is half-written, and the upstream holds each record once and never one the call-taker undid. At the
// end each desk drains its outbox: the upstream then holds exactly the transfers that stand, each once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { verifyAudit } from '../../src-main/core/store/audit';
import { openDeskDatabase } from '../../src-main/core/store/health';
import { Desk } from '../../src-main/core/desk';
import { deskConfigSchema } from '../../src-main/core/config/schema';
import { createSyncEngine } from '../../src-main/core/sync';
import { startUpstream, type Upstream } from '../support/upstream/server';
import { fakeRules } from '../support/desk/fake-rules';
import { tempDir } from '../support/desk/fixtures';
import { bundleChild, ROOT } from '../support/faults/bundle';
import { prng } from '../support/faults/damage';

const ROUNDS = Number(process.env.FENLIU_CRASH_ROUNDS ?? 200);
const LANES = 2;
const UNDO_WINDOW_MS = 100;

interface Lane {
  index: number;
  dataDir: string;
  deskId: string;
  transfers: Set<string>;
  undone: Set<string>;
  closed: Map<string, string>;
}

interface Figures {
  rounds: number;
  killedBeforeReady: number;
  killedMidOperation: Record<string, number>;
  acknowledged: { transfers: number; undos: number; closed: number; syncRounds: number };
  damagedAtRestart: number;
  roundMs: number[];
}

const figures: Figures = {
  rounds: 0,
  killedBeforeReady: 0,
  killedMidOperation: {},
  acknowledged: { transfers: 0, undos: 0, closed: 0, syncRounds: 0 },
  damagedAtRestart: 0,
  roundMs: [],
};

let child = '';
let up: Upstream;

beforeAll(async () => {
  child = await bundleChild(join(ROOT, 'tests/support/faults/crash-child.ts'));
  up = await startUpstream({ latencyMs: 3 });
});

afterAll(async () => {
  await up?.stop();
  if (child) rmSync(child, { force: true });
});

interface RoundResult {
  lines: string[];
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

/** A desk process that has loaded its modules and waits for its arguments (it has touched no data yet). */
interface Spare {
  loaded: Promise<void>;
  start(args: object, kill: { afterReadyMs: number } | { afterGoMs: number }): Promise<RoundResult>;
  discard(): void;
}

function spawnSpare(): Spare {
  const proc = spawn(process.execPath, [child], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let stderr = '';
  let onLoaded: () => void = () => undefined;
  let onOutput: () => void = () => undefined;
  const loaded = new Promise<void>((resolve) => (onLoaded = resolve));
  const exited = new Promise<RoundResult>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      onLoaded();
      // Only whole lines were shown; a line cut by the kill was not.
      resolve({ lines: out.split('\n').slice(0, -1).filter((l) => l !== 'loaded'), signal, code, stderr });
    });
  });
  proc.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith('loaded\n')) onLoaded();
    onOutput();
  });
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return {
    loaded,
    start(args, kill) {
      let timer: NodeJS.Timeout | undefined;
      const killNow = () => proc.kill('SIGKILL');
      if ('afterGoMs' in kill) timer = setTimeout(killNow, kill.afterGoMs);
      else {
        onOutput = () => {
          if (!timer && out.includes('\nready\n')) timer = setTimeout(killNow, kill.afterReadyMs);
        };
      }
      proc.stdin.write(`${JSON.stringify(args)}\n`);
      return exited.finally(() => clearTimeout(timer));
    },
    discard() {
      proc.kill('SIGKILL');
    },
  };
}

function argsFor(lane: Lane, seed: number, realRules: boolean): object {
  return {
    dataDir: lane.dataDir,
    assetsDir: join(ROOT, 'assets'),
    seed,
    upstream: { url: up.url, token: up.token },
    undoWindowMs: UNDO_WINDOW_MS,
    deskId: lane.deskId,
    realRules,
  };
}

function record(lane: Lane, result: RoundResult): void {
  if (result.signal !== 'SIGKILL') throw new Error(`desk ${lane.deskId} ended by itself (${result.code}): ${result.stderr}`);
  if (!result.lines.includes('ready')) figures.killedBeforeReady += 1;
  const last = result.lines.at(-1);
  if (last?.startsWith('B ')) {
    const op = last.slice(2);
    figures.killedMidOperation[op] = (figures.killedMidOperation[op] ?? 0) + 1;
  }
  for (const line of result.lines) {
    const [kind, a, b] = line.split(' ');
    if (kind === 'T') {
      lane.transfers.add(a!);
      figures.acknowledged.transfers += 1;
    } else if (kind === 'U') {
      lane.undone.add(a!);
      figures.acknowledged.undos += 1;
    } else if (kind === 'K') {
      lane.closed.set(a!, b!);
      figures.acknowledged.closed += 1;
    } else if (kind === 'S') figures.acknowledged.syncRounds += 1;
  }
}

/** Everything the desk reported is stored, whole; the database and the audit chain are intact. */
function verifyLane(lane: Lane): Map<string, string> {
  const db = new Database(join(lane.dataDir, 'fenliu.db'), { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true }), lane.deskId).toBe('ok');
    expect(verifyAudit(db), lane.deskId).toMatchObject({ ok: true });
    // A kill never damages the database: no restart found it damaged (which would have moved it aside).
    const damaged = db.prepare("SELECT count(*) FROM audit_log WHERE kind = 'store.damaged'").pluck().get() as number;
    figures.damagedAtRestart = Math.max(figures.damagedAtRestart, damaged);
    expect(damaged, `${lane.deskId}: a restart found the database damaged`).toBe(0);
    const status = new Map((db.prepare('SELECT id, status FROM transfers').all() as { id: string; status: string }[]).map((r) => [r.id, r.status]));
    for (const id of lane.transfers) expect(status.has(id), `reported transfer ${id} is stored`).toBe(true);
    for (const id of lane.undone) expect(status.get(id), `reported undo of ${id} is stored`).toBe('cancelled');
    const disposition = db.prepare('SELECT disposition FROM calls WHERE id = ?').pluck();
    for (const [callId, d] of lane.closed) expect(disposition.get(callId), `reported ${d} call ${callId}`).toBe(d);
    const half = db
      .prepare(
        `SELECT t.id FROM transfers t
         LEFT JOIN outbox o ON o.transfer_id = t.id
         LEFT JOIN calls c ON c.id = t.call_id
         WHERE (t.status IN ('pending', 'queued') AND o.seq IS NULL)
            OR (t.status = 'cancelled') <> (c.disposition IS NOT 'transferred')
            OR (SELECT count(*) FROM audit_log a WHERE a.subject_id = t.id AND a.kind = 'transfer') <> 1
            OR (t.status = 'cancelled') <> ((SELECT count(*) FROM audit_log a WHERE a.subject_id = t.id AND a.kind = 'transfer.undo') = 1)`,
      )
      .all();
    expect(half, `${lane.deskId}: half-written transfers`).toEqual([]);
    return status;
  } finally {
    db.close();
  }
}

/**
 * The upstream holds each id once, never an undone transfer, and every transfer the desk marked delivered. Only
 * this desk's records (by deskId): the other lane's desk may be running right now.
 */
function verifyUpstream(lane: Lane, status: Map<string, string>): string[] {
  const all = up.stored();
  expect(new Set(all.map((t) => t.id)).size, 'each record stored once').toBe(all.length);
  expect(up.counts().created).toBe(all.length);
  const stored = all.filter((t) => t.deskId === lane.deskId).map((t) => t.id);
  const storedSet = new Set(stored);
  for (const [id, s] of status) {
    if (s === 'cancelled') expect(storedSet.has(id), `undone transfer ${id} never reaches the upstream`).toBe(false);
    if (s === 'sent') expect(storedSet.has(id), `transfer ${id} marked delivered is upstream`).toBe(true);
  }
  for (const id of stored) expect(status.has(id), `upstream record ${id} is a transfer of ${lane.deskId}`).toBe(true);
  return stored;
}

describe('crash harness', () => {
  it(`${ROUNDS} rounds of SIGKILL during transfers, undo and sync: nothing reported is lost, nothing sent twice`, async () => {
    const started = Date.now();
    const lanes: Lane[] = Array.from({ length: LANES }, (_, index) => ({
      index,
      dataDir: tempDir(`fenliu-crash-${index}-`),
      deskId: `crash-desk-${index}`,
      transfers: new Set(),
      undone: new Set(),
      closed: new Map(),
    }));
    await Promise.all(
      lanes.map(async (lane) => {
        const random = prng(1000 + lane.index);
        const rounds = Math.floor(ROUNDS / LANES) + (lane.index < ROUNDS % LANES ? 1 : 0);
        let spare = spawnSpare();
        try {
          for (let r = 0; r < rounds; r += 1) {
            const t0 = Date.now();
            const current = spare;
            await current.loaded;
            // The next desk loads its modules while this one runs; it touches the data dir only after this one died.
            spare = spawnSpare();
            // Mostly mid-work; one round in eight anywhere from the start (database open, quick_check, sync start).
            const kill = random() < 0.125 ? { afterGoMs: Math.floor(random() * 60) } : { afterReadyMs: 5 + Math.floor(random() * 150) };
            const result = await current.start(argsFor(lane, lane.index * 100_000 + r, r % 10 === 0), kill);
            record(lane, result);
            verifyUpstream(lane, verifyLane(lane));
            figures.rounds += 1;
            figures.roundMs.push(Date.now() - t0);
          }
        } finally {
          spare.discard();
        }
      }),
    );
    expect(figures.rounds).toBe(ROUNDS);
    // Every round's kill is a real one, and enough of them hit the desk in the middle of an operation.
    const midOperation = Object.values(figures.killedMidOperation).reduce((a, b) => a + b, 0);
    expect(midOperation).toBeGreaterThan(ROUNDS / 4);
    expect(figures.acknowledged.transfers).toBeGreaterThan(ROUNDS);
    expect(figures.acknowledged.undos).toBeGreaterThan(0);

    // Drain: each desk, started cleanly once the last undo windows have passed, sends what is left. The upstream
    // then holds exactly the standing transfers.
    await new Promise((resolve) => setTimeout(resolve, UNDO_WINDOW_MS + 20));
    let standing = 0;
    let committedUnreported = 0;
    for (const lane of lanes) {
      const { db } = openDeskDatabase(join(lane.dataDir, 'fenliu.db'));
      const config = deskConfigSchema.parse({ desk: { id: lane.deskId, operatorId: 'op-crash' }, undoWindowMs: UNDO_WINDOW_MS, upstream: { url: up.url, token: up.token } });
      const desk = new Desk({ db, config, rules: fakeRules() });
      const engine = createSyncEngine({ db, config });
      desk.attachSync(engine);
      const report = await engine.syncUntilEmpty(20_000);
      expect(report.pending, `${lane.deskId} outbox drained`).toBe(0);
      await desk.close();
      const status = verifyLane(lane);
      const stored = verifyUpstream(lane, status);
      const standingIds = [...status].filter(([, st]) => st !== 'cancelled').map(([id]) => id);
      // Committed, then killed before the desk could say so: allowed (the call-taker sees it in the list on restart).
      committedUnreported += [...status.keys()].filter((id) => !lane.transfers.has(id)).length;
      expect(new Set(stored), `${lane.deskId}: upstream holds exactly the standing transfers`).toEqual(new Set(standingIds));
      standing += standingIds.length;
    }

    const sorted = [...figures.roundMs].sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        crashHarness: {
          ...figures,
          roundMs: undefined,
          roundMsMedian: sorted[Math.floor(sorted.length / 2)],
          killedMidOperationTotal: midOperation,
          committedUnreported,
          upstream: { stored: up.stored().length, ...up.counts() },
          transfersStanding: standing,
          totalMs: Date.now() - started,
        },
      }),
    );
  }, 180_000);
});
