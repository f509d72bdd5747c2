// keyToDurableP99Ms: from the pedal's `data` event (report bytes through the real HID reader, decoder, debounce
// and key service) to the transfer committed (fsynced, synchronous=FULL) on a file database, p99 over 2,000
// presses. Baseline in the same run: a bare one-row INSERT transaction on the same kind of database (the fsync floor).
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src-main/core/store/database';
import { openDesk } from '../src-main/core/open-desk';
import { deskConfigSchema } from '../src-main/core/config/schema';
import { median, percentile, round } from './stats';
import { createBenchKeyRig } from './keys';
import type { TransferResult } from '../src-main/api/contract';

const PRESSES = 2000;

export async function benchTransfer(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'fenliu-bench-'));
  try {
    const floor = fsyncFloor(join(dir, 'floor.db'));
    const desk = await openDesk({ dataDir: join(dir, 'desk'), config: deskConfigSchema.parse({}), configFile: join(dir, 'desk', 'config.json') });
    let last: TransferResult | null = null;
    const rig = await createBenchKeyRig((a) => {
      last = desk.onKeyAction(a.action, 'hid-key') as TransferResult | null;
    });
    const samples: number[] = [];
    for (let i = 0; i < PRESSES; i += 1) {
      desk.setNote({ note: `报警人称想让110帮忙送一碗米粉到家里，第${i}次` });
      last = null;
      const t0 = performance.now();
      rig.press();
      samples.push(performance.now() - t0);
      if ((last as TransferResult | null)?.kind !== 'transferred') throw new Error(`press ${i} did not transfer`);
    }
    await rig.stop();
    await desk.close();
    return {
      keyToDurableP99Ms: round(percentile(samples, 99)),
      keyToDurableMedianMs: round(median(samples)),
      fsyncFloorP99Ms: round(percentile(floor, 99)),
      keyToDurableVsFsyncFloorP99: round(percentile(samples, 99) / percentile(floor, 99), 2),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function fsyncFloor(file: string): number[] {
  const db = openDatabase(file);
  db.exec('CREATE TABLE floor (id INTEGER PRIMARY KEY, payload TEXT)');
  const insert = db.prepare('INSERT INTO floor (payload) VALUES (?)');
  const samples: number[] = [];
  for (let i = 0; i < PRESSES; i += 1) {
    const t0 = performance.now();
    db.transaction(() => insert.run('x'.repeat(600))).immediate();
    samples.push(performance.now() - t0);
  }
  db.close();
  return samples;
}
