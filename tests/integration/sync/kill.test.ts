// A desk killed (SIGKILL) in the middle of `fenliu sync --until-empty` loses nothing and makes the upstream store
// nothing twice: once right after the upstream stored a batch but before the desk read the answer, once at an
// arbitrary moment; a last run then finishes the job.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../../src-main/core/store/database';
import { verifyAudit } from '../../../src-main/core/store/audit';
import { startUpstream, type Upstream } from '../../support/upstream/server';
import { makeTransfers, openTestDb } from '../../support/upstream/desk-fixture';
import { tempDir } from '../../support/desk/fixtures';

const ROOT = join(__dirname, '../../..');
const COUNT = 1500;

let up: Upstream | null = null;
afterEach(async () => {
  await up?.stop();
  up = null;
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runSync(dataDir: string, upstream: Upstream, onSpawn: (kill: () => void) => void = () => undefined): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['bin/fenliu.mjs', '--data-dir', dataDir, 'sync', '--until-empty', '--upstream', upstream.url, '--token', upstream.token, '--timeout', '60', '--json'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FENLIU_MACHINE_CONFIG: join(dataDir, 'no-machine-config.json') } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
    onSpawn(() => child.kill('SIGKILL'));
  });
}

describe('killed mid-sync', () => {
  it('loses nothing and stores nothing twice upstream', async () => {
    const dir = tempDir('fenliu-kill-sync-');
    const { db } = openTestDb(dir);
    const ids = makeTransfers(db, COUNT);
    db.close();

    // Run 1: killed the moment the upstream has stored the 3rd batch, before the desk hears about it.
    let killNow: (() => void) | null = null;
    let dead: Promise<void> | null = null;
    up = await startUpstream({
      latencyMs: 40,
      afterStore: async ({ batch }) => {
        if (batch === 3 && killNow) {
          killNow();
          await dead;
        }
      },
    });
    const first = runSync(dir, up, (kill) => (killNow = kill));
    dead = first.then(() => undefined);
    const run1 = await first;
    expect(run1.signal).toBe('SIGKILL');
    // Batch 3, and the batch already on the wire behind it (two go at once while draining).
    expect(up.stored().length).toBeGreaterThanOrEqual(600);
    expect(up.stored().length).toBeLessThanOrEqual(800);
    killNow = null;

    // Run 2: killed at an arbitrary moment, once it has delivered a couple of batches.
    const before = up.counts().batches;
    const second = runSync(dir, up, (kill) => {
      const timer = setInterval(() => {
        if (up!.counts().batches >= before + 2) {
          clearInterval(timer);
          setTimeout(kill, 25);
        }
      }, 5);
    });
    const run2 = await second;
    expect(run2.signal).toBe('SIGKILL');
    expect(up.stored().length).toBeLessThan(COUNT);

    // Run 3: to the end.
    const run3 = await runSync(dir, up);
    expect(run3.stderr).toBe('');
    expect(run3.code).toBe(0);
    const report = JSON.parse(run3.stdout.trim().split('\n').at(-1)!);
    expect(report).toMatchObject({ pending: 0, lastError: null });

    // Upstream: every transfer exactly once; the only records sent twice are those on the wire at a kill
    // (at most two batches each time).
    const stored = up.stored();
    expect(stored).toHaveLength(COUNT);
    expect(new Set(stored.map((t) => t.id))).toEqual(new Set(ids));
    expect(up.counts().created).toBe(COUNT);
    expect(up.counts().duplicates).toBeGreaterThanOrEqual(200);
    expect(up.counts().duplicates).toBeLessThanOrEqual(800);

    // Desk: intact, nothing lost, nothing left to send.
    const raw = new Database(join(dir, 'fenliu.db'), { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
    const after = openDatabase(join(dir, 'fenliu.db'));
    expect(verifyAudit(after).ok).toBe(true);
    expect(after.prepare('SELECT status, count(*) AS n FROM transfers GROUP BY status').all()).toEqual([{ status: 'sent', n: COUNT }]);
    expect(after.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
    after.close();
  }, 60_000);
});
