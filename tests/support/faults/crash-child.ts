// The desk process the crash harness kills. It opens the real desk (start-up check, rules, background sync to
// the test upstream) on a data dir it shares with earlier, killed rounds, then does a random mix of what a
// call-taker does — transfer, undo within the window, keep/invalid, sync now — and prints each acknowledgement
// only after the Desk returned, i.e. after the commit, as the screen would show it:
//   ready
//   B <op>                   about to start an operation (a kill between B and its answer landed mid-operation)
//   T <transferId> <callId>  transfer committed and reported
//   U <transferId>           undo committed and reported
//   K <callId> <disposition> call closed and reported
//   S                        a sync round finished
// Lines go out with writeSync: on a pipe they are in the parent's hands before the next operation starts.
// Start-up is split so the harness can load the next desk's modules while the current one runs: the process
// prints `loaded`, then waits for its arguments (one JSON line on stdin) before it touches any data.
import { writeSync } from 'node:fs';
import { join } from 'node:path';
import { deskConfigSchema } from '../../../src-main/core/config/schema';
import { Desk } from '../../../src-main/core/desk';
import { openDeskDatabase } from '../../../src-main/core/store/health';
import { createSyncEngine } from '../../../src-main/core/sync';
import { fakeRules } from '../desk/fake-rules';

interface Args {
  dataDir: string;
  assetsDir: string;
  seed: number;
  upstream: { url: string; token: string } | null;
  undoWindowMs: number;
  deskId: string;
  /**
   * The real composition root (openDesk: rules pack compiled, about 0.2 s more per start) or the same parts with a
   * stand-in classifier. The crash promises are about storage; some rounds use the real one to cover its start.
   */
  realRules: boolean;
}

const say = (line: string) => writeSync(1, `${line}\n`);
say('loaded');
const args = await new Promise<Args>((resolve) => {
  let input = '';
  process.stdin.on('data', (chunk: Buffer) => {
    input += chunk.toString();
    if (input.includes('\n')) resolve(JSON.parse(input.slice(0, input.indexOf('\n'))) as Args);
  });
});

let state = args.seed >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

// Notes the stand-in classifier (fake-rules.ts) and the real default pack both send to the civic platform.
const NOTES = ['报警人称想让110帮忙送一碗米粉到家里', '报警人称想吃米粉，问110能不能送一碗', '报警人称亲戚欠钱三年不还，想吃米粉'];

const config = deskConfigSchema.parse({
  desk: { id: args.deskId, operatorId: 'op-crash' },
  undoWindowMs: args.undoWindowMs,
  upstream: args.upstream ? { url: args.upstream.url, token: args.upstream.token, intervalMs: 500, timeoutMs: 2000 } : {},
});
const configFile = join(args.dataDir, 'config.json');
let desk: Desk;
if (args.realRules) {
  const { openDesk } = await import('../../../src-main/core/open-desk');
  desk = await openDesk({ dataDir: args.dataDir, config, configFile, assetsDir: args.assetsDir, services: { sync: args.upstream !== null } });
} else {
  // openDesk's wiring, with the stand-in classifier.
  const { db } = openDeskDatabase(join(args.dataDir, 'fenliu.db'));
  desk = new Desk({ db, config, rules: fakeRules() });
  if (args.upstream) {
    const engine = createSyncEngine({ db, config });
    desk.attachSync(engine);
    engine.start();
  }
}
say('ready');

const pause = () => new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 3)));

for (let i = 0; ; i += 1) {
  const roll = random();
  if (roll < 0.55) {
    say('B transfer');
    const call = desk.newCall({});
    desk.setNote({ note: `${NOTES[Math.floor(random() * NOTES.length)]}（${args.seed}-${i}）` });
    const result = desk.transfer({ trigger: random() < 0.5 ? 'hid-key' : 'keyboard' });
    if (result.kind === 'transferred') say(`T ${result.transfer.id} ${call.id}`);
  } else if (roll < 0.75) {
    say('B undo');
    const result = desk.undo({});
    if (result.kind === 'undone') say(`U ${result.transfer.id}`);
  } else if (roll < 0.85) {
    say('B close');
    const call = desk.newCall({});
    desk.setNote({ note: '无声电话' });
    const disposition = random() < 0.5 ? 'kept' : 'invalid';
    desk.closeCall({ disposition });
    say(`K ${call.id} ${disposition}`);
  } else {
    say('B sync');
    await desk.syncNow();
    say('S');
  }
  await pause();
}
