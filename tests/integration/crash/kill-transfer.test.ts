// Done-when of the desk core: processes killed (SIGKILL) at random moments while transferring never leave a
// half-written transfer, lose nothing they printed, and leave the database and the audit chain intact.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempDir } from '../../support/desk/fixtures';
import { openDatabase } from '../../../src-main/core/store/database';
import { verifyAudit } from '../../../src-main/core/store/audit';

const ROOT = join(__dirname, '../../..');

interface Run {
  printed: string[];
}

function runAndKill(args: string[], killAfterMs: number | 'on-ready', extraMs = 0): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (killAfterMs === 'on-ready' && out.startsWith('ready\n') && !timer) {
        timer = setTimeout(() => child.kill('SIGKILL'), extraMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    let timer: NodeJS.Timeout | undefined = killAfterMs === 'on-ready' ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL' && code !== 0) reject(new Error(`child failed (${code}): ${err}`));
      // Only complete lines count: a line cut by the kill was never shown.
      const lines = out.split('\n').slice(0, -1).filter((l) => l !== 'ready');
      resolve({ printed: lines });
    });
  });
}

function assertIntact(dataDir: string, printedIds: string[]): number {
  const file = join(dataDir, 'fenliu.db');
  const raw = new Database(file, { readonly: true });
  expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
  raw.close();
  const db = openDatabase(file);
  try {
    expect(verifyAudit(db).ok).toBe(true);
    const ids = new Set((db.prepare('SELECT id FROM transfers').all() as { id: string }[]).map((r) => r.id));
    for (const id of printedIds) expect(ids.has(id), `printed transfer ${id} is stored`).toBe(true);
    // No half-written transfer: each has its outbox row, its audit row and its call marked transferred.
    const half = db
      .prepare(
        `SELECT t.id FROM transfers t
         LEFT JOIN outbox o ON o.transfer_id = t.id
         LEFT JOIN calls c ON c.id = t.call_id
         WHERE o.seq IS NULL OR c.disposition IS NOT 'transferred'
            OR (SELECT count(*) FROM audit_log a WHERE a.subject_id = t.id AND a.kind = 'transfer') <> 1`,
      )
      .all();
    expect(half).toEqual([]);
    return ids.size;
  } finally {
    db.close();
  }
}

describe('SIGKILL during transfers', () => {
  it('fenliu transfer processes killed at random moments: every printed transfer is stored, none half-written', async () => {
    const dataDir = tempDir('fenliu-kill-cli-');
    // One complete run first: it creates the database and measures how long a run takes here.
    const t0 = Date.now();
    const first = await runAndKill(['bin/fenliu.mjs', '--data-dir', dataDir, 'transfer', '--note', '楼上装修太吵', '--call-id', 'c-first', '--json'], 60_000);
    const runMs = Date.now() - t0;
    expect(first.printed).toHaveLength(1);
    const printed = [JSON.parse(first.printed[0]!).id as string];
    const kills = [];
    for (let i = 0; i < 10; i += 1) {
      // Kill anywhere from start-up to just after a normal run would have finished.
      const at = Math.floor(runMs * (0.5 + Math.random() * 0.7));
      kills.push(runAndKill(['bin/fenliu.mjs', '--data-dir', dataDir, 'transfer', '--note', '楼上装修太吵', '--call-id', `c-${i}`, '--json'], at));
      if (i % 2 === 1) for (const r of await Promise.all(kills.splice(0))) printed.push(...r.printed.map((l) => JSON.parse(l).id as string));
    }
    assertIntact(dataDir, printed);
  }, 120_000);

  it('a desk killed while committing transfer after transfer loses none it reported', async () => {
    const dataDir = tempDir('fenliu-kill-loop-');
    const printed: string[] = [];
    for (let round = 0; round < 8; round += 1) {
      const run = await runAndKill(['--import', 'tsx', 'tests/support/desk/transfer-loop.ts', dataDir, `r${round}`], 'on-ready', 20 + Math.floor(Math.random() * 150));
      printed.push(...run.printed);
    }
    expect(printed.length).toBeGreaterThan(8);
    const stored = assertIntact(dataDir, printed);
    // At most one transfer per round can be committed without having been printed before the kill.
    expect(stored - printed.length).toBeLessThanOrEqual(8);
  }, 120_000);
});
