// `npm run upstream:dev [-- --port 8710] [--token T] [--tls] [--fault-rate 0.3] [--quiet]`: the test upstream by
// hand, for demos and trying the desk. Prints its URL, token and a config snippet for the desk. Transfers it
// stores move on by themselves: received at once, then accepted (due in 2 minutes), and later resolved — or,
// now and then, returned to police; every 45 s a matter arrives in the desk's inbox.
import { parseArgs } from 'node:util';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAULT_KINDS, startUpstream, type FaultKind } from './server';
import { hasOpenssl, makeTestPki } from './pki';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8710' },
    token: { type: 'string', default: 'dev-desk-token' },
    tls: { type: 'boolean', default: false },
    'fault-rate': { type: 'string', default: '0' },
    faults: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
});

const rate = Number(values['fault-rate']);
const kinds = (values.faults?.split(',') ?? FAULT_KINDS.filter((k) => k !== 'huge-body' && k !== 'refuse-credentials')) as FaultKind[];
const unknown = kinds.filter((k) => !FAULT_KINDS.includes(k));
if (!Number.isFinite(rate) || rate < 0 || rate > 1 || unknown.length > 0) {
  process.stderr.write(`upstream:dev: --fault-rate is 0…1; --faults is a comma list of ${FAULT_KINDS.join(', ')}\n`);
  process.exit(2);
}

let caFile: string | undefined;
let tls: { key: Buffer; cert: Buffer } | undefined;
if (values.tls) {
  if (!hasOpenssl()) {
    process.stderr.write('upstream:dev: --tls needs the openssl command\n');
    process.exit(2);
  }
  const pki = makeTestPki(mkdtempSync(join(tmpdir(), 'fenliu-upstream-pki-')));
  caFile = pki.caFile;
  tls = { key: pki.serverKey, cert: pki.serverCert };
}

const packFile = fileURLToPath(new URL('../../../assets/rules/default-pack.json', import.meta.url));
const up = await startUpstream({
  port: Number(values.port),
  token: values.token,
  tls,
  autoReceive: true,
  faults: rate > 0 ? { rate, kinds, seed: Date.now() } : undefined,
  rules: existsSync(packFile) ? JSON.parse(readFileSync(packFile, 'utf8')) : undefined,
  log: values.quiet ? undefined : (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
});

const config = { upstream: { url: up.url, token: up.token, ...(caFile ? { caFile } : {}) } };
process.stdout.write(
  [
    `Fenliu test upstream listening on ${up.url}`,
    `token: ${up.token}`,
    ...(caFile ? [`CA file (trust it as upstream.caFile): ${caFile}`] : []),
    `desk config: ${JSON.stringify(config)}`,
    caFile
      ? 'put the desk config above into <data dir>/config.json, then: node bin/fenliu.mjs sync'
      : `try: node bin/fenliu.mjs sync --upstream ${up.url} --token ${up.token}`,
    '',
  ].join('\n'),
);

// Moves stored transfers along, as the civic platform and the units would.
const progress = new Map<string, 'received' | 'accepted' | 'done'>();
const tick = setInterval(() => {
  const now = Date.now();
  for (const transfer of up.stored()) {
    const stage = progress.get(transfer.id) ?? 'received';
    if (stage === 'received' && Math.random() < 0.5) {
      up.advance(transfer.id, 'accepted', { by: '县住建局', dueAt: new Date(now + 120_000).toISOString() });
      progress.set(transfer.id, 'accepted');
    } else if (stage === 'accepted' && Math.random() < 0.2) {
      if (Math.random() < 0.2) up.advance(transfer.id, 'returned', { by: '县民政局', comment: '涉及人身安全，退回110' });
      else up.advance(transfer.id, 'resolved', { by: '县住建局', comment: '已处理' });
      progress.set(transfer.id, 'done');
    } else if (!progress.has(transfer.id)) progress.set(transfer.id, 'received');
  }
}, 5_000);
const inbox = setInterval(() => up.pushInbox({ summary: '市民来电反映邻居家中传出呼救声，疑似家暴', callerNumber: '13800001234', category: '110.violence' }), 45_000);

const shutdown = () => {
  clearInterval(tick);
  clearInterval(inbox);
  void up.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
