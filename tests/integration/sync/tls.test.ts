// HTTPS against a loopback upstream whose certificate comes from a county's own CA (given as the extra CA file),
// and one that also demands a client certificate (PFX or PEM pair).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncEngine } from '../../../src-main/core/sync';
import type { UpstreamConfig } from '../../../src-main/core/config/sections/upstream';
import { hasOpenssl, makeTestPki, type TestPki } from '../../support/upstream/pki';
import { startUpstream, type Upstream } from '../../support/upstream/server';
import { makeTransfers, openTestDb, syncConfig } from '../../support/upstream/desk-fixture';
import { tempDir } from '../../support/desk/fixtures';

let pki: TestPki;
let serverOnly: Upstream;
let mutual: Upstream;

beforeAll(async () => {
  if (!hasOpenssl()) return;
  pki = makeTestPki(tempDir('fenliu-pki-'));
  serverOnly = await startUpstream({ tls: { key: pki.serverKey, cert: pki.serverCert } });
  mutual = await startUpstream({ token: serverOnly.token, tls: { key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true } });
});
afterAll(async () => {
  await serverOnly?.stop();
  await mutual?.stop();
});

async function syncWith(up: Upstream, tls: Partial<UpstreamConfig>) {
  const { db } = openTestDb();
  makeTransfers(db, 5);
  const engine = createSyncEngine({ db, config: syncConfig({ url: up.url, token: up.token, timeoutMs: 3000, ...tls }) });
  const report = await engine.syncOnce(10_000);
  const state = engine.state();
  await engine.stop();
  db.close();
  return { report, state };
}

describe.skipIf(!hasOpenssl())('TLS', () => {
  it('trusts the county CA given as the extra CA file', async () => {
    const { report, state } = await syncWith(serverOnly, { caFile: pki.caFile });
    expect(report).toMatchObject({ pushed: 5, pending: 0, lastError: null });
    expect(state.online).toBe(true);
  });

  it('without that CA the certificate is not trusted, and says so', async () => {
    const before = serverOnly.requests().length;
    const { report, state } = await syncWith(serverOnly, {});
    expect(report.pending).toBe(5);
    expect(state.online).toBe(false);
    expect(state.lastError).toMatch(/^与上级平台的安全连接失败（[A-Z_]+）$/);
    expect(serverOnly.requests().length).toBe(before);
  });

  it('a different CA does not make it trusted either', async () => {
    const { report } = await syncWith(serverOnly, { caFile: pki.otherCaFile });
    expect(report.pending).toBe(5);
  });

  it('presents a client certificate from a PFX with its passphrase', async () => {
    const { report } = await syncWith(mutual, { caFile: pki.caFile, clientCert: { pfxFile: pki.clientPfxFile, passphrase: pki.pfxPassphrase } });
    expect(report).toMatchObject({ pushed: 5, pending: 0 });
  });

  it('presents a client certificate from a PEM certificate and key', async () => {
    const { report } = await syncWith(mutual, { caFile: pki.caFile, clientCert: { certFile: pki.clientCertFile, keyFile: pki.clientKeyFile } });
    expect(report).toMatchObject({ pushed: 5, pending: 0 });
  });

  it('without a client certificate the upstream that demands one is not reached', async () => {
    const { report, state } = await syncWith(mutual, { caFile: pki.caFile });
    expect(report.pending).toBe(5);
    expect(state.online).toBe(false);
  });

  it('a wrong passphrase or a missing file is a configuration problem, named, with no request made', async () => {
    const before = mutual.requests().length;
    const wrong = await syncWith(mutual, { caFile: pki.caFile, clientCert: { pfxFile: pki.clientPfxFile, passphrase: 'not-the-passphrase' } });
    expect(wrong.state.lastError).toBe(`客户端证书无法使用（口令错误、证书与私钥不匹配或文件损坏）：${pki.clientPfxFile}`);
    const missing = await syncWith(mutual, { caFile: '/nonexistent/county-ca.pem' });
    expect(missing.state.lastError).toBe('无法读取CA 证书文件 /nonexistent/county-ca.pem（ENOENT）');
    expect(missing.state.configured).toBe(true);
    expect(mutual.requests().length).toBe(before);
  });
});
