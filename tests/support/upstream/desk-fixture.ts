// Sync test fixtures: a real desk database with transfers made through the real transfer action, a desk
// configuration pointing at a test upstream, and a fake clock whose timers run only when told to.
import { join } from 'node:path';
import type { Db } from '../../../src-main/core/store/database';
import { openDatabase } from '../../../src-main/core/store/database';
import { deskConfigSchema, type DeskConfig, type DeskConfigInput } from '../../../src-main/core/config/schema';
import { performTransfer } from '../../../src-main/core/transfers/transfer-action';
import { toRfc3339 } from '../../../src-main/core/store/time';
import { classification, tempDir } from '../desk/fixtures';
import type { SyncTimers } from '../../../src-main/core/sync';

export function openTestDb(dir = tempDir('fenliu-sync-')): { db: Db; dir: string; file: string } {
  const file = join(dir, 'fenliu.db');
  return { db: openDatabase(file), dir, file };
}

export function syncConfig(upstream: DeskConfigInput['upstream'], extra: Omit<DeskConfigInput, 'upstream'> = {}): DeskConfig {
  return deskConfigSchema.parse({ desk: { id: 'nanbu-110-03', operatorId: 'op-7' }, ...extra, upstream });
}

/**
 * Commits `count` transfers exactly as a key press would (transfer, outbox row, audit), in one outer
 * transaction so a thousand of them take one fsync. Returns their ids in order.
 */
export function makeTransfers(db: Db, count: number, opts: { nowMs?: number; holdMs?: number; note?: (i: number) => string; prefix?: string } = {}): string[] {
  const nowMs = opts.nowMs ?? Date.now();
  const ids: string[] = [];
  db.transaction(() => {
    for (let i = 0; i < count; i += 1) {
      const result = performTransfer(db, {
        call: { id: `${opts.prefix ?? 'call'}-${nowMs}-${i}`, startedAt: toRfc3339(nowMs - 60_000), callerNumber: '13800000000', note: opts.note?.(i) ?? `楼上装修太吵了，第${i}次` },
        classification: classification('civic', { matched: ['装修'] }),
        trigger: 'hid-key',
        deskId: 'nanbu-110-03',
        operatorId: 'op-7',
        targetNumber: () => '12345',
        targetName: () => '12345市民服务热线',
        holdMs: opts.holdMs ?? 0,
        nowMs,
      });
      if (result.kind !== 'transferred') throw new Error(`fixture transfer ${i}: ${result.kind}`);
      ids.push(result.transfer.id);
    }
  })();
  return ids;
}

export function statusOf(db: Db, id: string): string {
  return (db.prepare('SELECT status FROM transfers WHERE id = ?').get(id) as { status: string }).status;
}

export function outboxCount(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
}

/** Timers that fire only when the test advances the clock; `advance` lets promises settle between timers. */
export class FakeClock implements SyncTimers {
  private current: number;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  constructor(startMs = Date.parse('2026-11-29T09:00:00+08:00')) {
    this.current = startMs;
  }

  now = (): number => this.current;

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.pending.set(id, { at: this.current + Math.max(0, ms), fn });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.pending.delete(handle as number);
  };

  /** Moves time forward, firing due timers in order and letting async work settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    for (;;) {
      await settle();
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.pending) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.pending.delete(next[0]);
      this.current = Math.max(this.current, next[1].at);
      next[1].fn();
    }
    this.current = end;
    await settle();
  }

  timersPending(): number {
    return this.pending.size;
  }
}

/** Lets queued promise callbacks (and a few rounds of them) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await new Promise<void>((r) => setImmediate(r));
}
