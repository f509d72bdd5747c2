// `npm run bench [-- --json]`: every benchmark of the desk, one JSON object of named figures with --json.
import { benchTransfer } from './transfer';
import { benchKeys } from './keys';
import { benchScreen } from './screen';
import { benchSync } from './sync';
import { benchClassify } from './classify';

type Bench = { name: string; run: () => Promise<Record<string, number>> };

const BENCHES: Bench[] = [
  { name: 'transfer', run: benchTransfer },
  { name: 'classify', run: benchClassify },
  { name: 'keys', run: benchKeys },
  { name: 'screen', run: benchScreen },
  { name: 'sync', run: benchSync },
];

const json = process.argv.includes('--json');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const figures: Record<string, number> = {};
for (const bench of BENCHES) {
  if (only && !only.includes(bench.name)) continue;
  if (!json) process.stderr.write(`bench ${bench.name}…\n`);
  Object.assign(figures, await bench.run());
}
if (json) process.stdout.write(`${JSON.stringify(figures)}\n`);
else for (const [name, value] of Object.entries(figures)) process.stdout.write(`${name.padEnd(32)} ${value}\n`);
