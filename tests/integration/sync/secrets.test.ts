// The desk token and the certificate passphrase never appear in a log line, a state shown on screen, the CLI's
// output or the database — not even when a hostile or buggy upstream echoes them back in its error texts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncEngine } from '../../../src-main/core/sync';
import { command as sync } from '../../../src-main/cli/commands/sync';
import type { UpstreamConfig } from '../../../src-main/core/config/sections/upstream';
import { hasOpenssl, makeTestPki, type TestPki } from '../../support/upstream/pki';
import { startUpstream, type FaultKind, type Upstream } from '../../support/upstream/server';
import { makeTransfers, openTestDb, syncConfig } from '../../support/upstream/desk-fixture';
import { cliContext } from '../../support/upstream/cli-context';
import { tempDir } from '../../support/desk/fixtures';

const TOKEN = 'Sekrit-Desk-Token-7f3a9c41';
const PASSPHRASE = 'Pfx-Passphrase-2b9d0e6f';
const seen: string[] = [];
const log = {
  warn: (obj: object, msg: string) => seen.push(`${msg} ${JSON.stringify(obj)}`),
  info: (obj: object, msg: string) => seen.push(`${msg} ${JSON.stringify(obj)}`),
};

let up: Upstream;
let pki: TestPki | null = null;
beforeAll(async () => {
  // An upstream that quotes the Authorization header back in everything it refuses.
  up = await startUpstream({ token: TOKEN, invalid: (r) => (r.note.includes('echo') ? `rejected for Bearer ${TOKEN}` : null), refuseWholeBatch: false });
  if (hasOpenssl()) pki = makeTestPki(tempDir('fenliu-pki-'), PASSPHRASE);
});
afterAll(() => up.stop());

async function round(upstream: Partial<UpstreamConfig>, faults: FaultKind[] = [], installRulesPack?: (json: unknown) => void) {
  const { db } = openTestDb();
  makeTransfers(db, 3, { note: (i) => (i === 0 ? 'echo me' : `正常${i}`) });
  const engine = createSyncEngine({ db, config: syncConfig({ url: up.url, token: TOKEN, timeoutMs: 800, ...upstream }), log, installRulesPack });
  engine.onState((s) => seen.push(JSON.stringify(s)));
  up.queueFaults(...faults);
  await engine.syncOnce(5000);
  seen.push(JSON.stringify(engine.state()));
  await engine.stop();
  // Everything the desk stored about it: rejected_error, outbox last_error, audit details, sync state.
  for (const table of ['transfers', 'outbox', 'audit_log', 'sync_state', 'status_updates']) seen.push(JSON.stringify(db.prepare(`SELECT * FROM ${table}`).all()));
  db.close();
}

describe('secrets', () => {
  it('stay out of logs, state, CLI output and the database whatever goes wrong', async () => {
    up.setRules({ version: 'x' });
    await round({}, [], () => {
      throw new Error(`pack signed for token ${TOKEN}`);
    });
    await round({}, ['refuse-credentials']);
    await round({}, ['error-500']);
    await round({}, ['drop']);
    await round({}, ['malformed']);
    await round({}, ['delay']);
    await round({ url: 'http://127.0.0.1:9/api' });
    await round({ url: up.url.replace('/api', '/wrong') });
    if (pki) {
      await round({ url: up.url.replace('http:', 'https:'), caFile: pki.caFile, clientCert: { pfxFile: pki.clientPfxFile, passphrase: PASSPHRASE } });
      await round({ caFile: pki.caFile, clientCert: { pfxFile: pki.clientPfxFile, passphrase: `${PASSPHRASE}-wrong` } });
    }
    // The CLI, with the token from the flag and from the environment.
    const { dir } = openTestDb();
    for (const values of [{ token: TOKEN, json: true }, { token: TOKEN }]) {
      const { ctx, out, err } = cliContext(dir, syncConfig({ url: 'http://127.0.0.1:9/api' }), { ...values, timeout: '1' });
      await sync.run(ctx);
      seen.push(...out, ...err);
    }

    // The rounds did meet the echoing upstream (otherwise this test proves nothing).
    expect(seen.some((s) => s.includes('rejected for Bearer [redacted]'))).toBe(true);
    expect(seen.some((s) => s.includes('上级规则包未安装：pack signed for token [redacted]'))).toBe(true);
    expect(seen.some((s) => s.includes('上级平台拒绝本席位的凭据'))).toBe(true);
    const text = seen.join('\n');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(PASSPHRASE);
  }, 30_000);
});
