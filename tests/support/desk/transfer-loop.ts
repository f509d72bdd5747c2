// Child process for crash tests: transfers calls one after another through the real Desk and prints each
// transfer id only after the Desk returned (i.e. after the commit), as the screen would show a toast.
import { openDesk } from '../../../src-main/core/open-desk';
import { deskConfigSchema } from '../../../src-main/core/config/schema';
import { join } from 'node:path';

const dataDir = process.argv[2]!;
const prefix = process.argv[3] ?? 'loop';
const desk = await openDesk({ dataDir, config: deskConfigSchema.parse({ undoWindowMs: 0 }), configFile: join(dataDir, 'config.json') });
process.stdout.write('ready\n');
for (let i = 0; ; i += 1) {
  const result = desk.transferNow({ note: `报警人称楼上装修太吵了，第${i}次`, callId: `${prefix}-${i}` }, {});
  if (result.kind !== 'transferred') throw new Error(`unexpected ${result.kind}`);
  process.stdout.write(`${result.transfer.id}\n`);
}
