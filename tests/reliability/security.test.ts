// Security promises that cross modules (each module's own tests cover its part; docs/reliability.md lists them):
// - a rules pack signed by anyone but a trusted key is refused, from a file and from the upstream, and the
//   installed rules stay;
// - the desk token never reaches a file in the data dir (logs, database) after a full desk run with sync, even at
//   the most verbose log level and with an upstream that quotes the token back;
// - the browser desk lets in only its own address, its own origin and its own token — checked with many
//   near-miss spellings, beyond the host tests' one example of each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { openDesk } from '../../src-main/core/open-desk';
import { deskConfigSchema } from '../../src-main/core/config/schema';
import { createDeskLogger } from '../../src-main/core/logging';
import { openDatabase } from '../../src-main/core/store/database';
import { RulesStore } from '../../src-main/core/rules/store';
import { generateSigningKey, signPack, SignatureError } from '../../src-main/core/rules/signature';
import { startBrowserDesk, type BrowserDesk } from '../../src-main/host/browser-desk';
import { Desk } from '../../src-main/core/desk';
import { startUpstream, type Upstream } from '../support/upstream/server';
import { fakeRules } from '../support/desk/fake-rules';
import { tempDir } from '../support/desk/fixtures';
import { smallPack } from '../unit/rules/small-pack';

const county = generateSigningKey();
const impostor = generateSigningKey();
const trustedKeys = [{ id: 'county', publicKey: county.publicKeyBase64 }];

describe('rules packs with a wrong signer', () => {
  it('are refused from a file: an impostor using the trusted key id, an unknown key, no signature', () => {
    const db = openDatabase(join(tempDir('fenliu-signer-'), 'fenliu.db'));
    const store = new RulesStore(db);
    store.import(signPack(smallPack({ version: '1.0.0' }), county.privateKeyPem, 'county'), { trustedKeys, source: 'v1.json' });
    const before = JSON.stringify([store.active()!.installed, store.history()]);
    const attempts: [string, unknown][] = [
      ['impostor.json', signPack(smallPack({ version: '2.0.0' }), impostor.privateKeyPem, 'county')],
      ['unknown.json', signPack(smallPack({ version: '2.0.0' }), impostor.privateKeyPem, 'rules-office-2027')],
      ['unsigned.json', smallPack({ version: '2.0.0' })],
      // A genuine signature moved onto another pack.
      ['moved.json', { ...smallPack({ version: '2.0.0' }), signature: signPack(smallPack({ version: '1.0.0' }), county.privateKeyPem, 'county').signature }],
    ];
    for (const [source, pack] of attempts) expect(() => store.import(pack, { trustedKeys, source }), source).toThrow(SignatureError);
    expect(JSON.stringify([store.active()!.installed, store.history()])).toBe(before);
    db.close();
  });

  it('are refused from the upstream: the desk keeps its rules and says why', async () => {
    const up = await startUpstream({ token: 'desk-token' });
    const dataDir = tempDir('fenliu-signer-up-');
    const config = deskConfigSchema.parse({
      undoWindowMs: 0,
      rules: { trustedKeys },
      upstream: { url: up.url, token: 'desk-token', intervalMs: 500 },
    });
    up.setRules(signPack(smallPack({ version: '2099.1.0' }), impostor.privateKeyPem, 'county'));
    const desk = await openDesk({ dataDir, config, configFile: join(dataDir, 'config.json'), services: { sync: true } });
    try {
      const before = desk.snapshot().rules.version;
      const state = await desk.syncNow();
      expect(up.requests().some((r) => r.endpoint === 'rules')).toBe(true);
      expect(state.lastError).toMatch(/上级规则包未安装：.*signature by "county" does not match/);
      expect(desk.snapshot().rules.version).toBe(before);
      expect(before).not.toBe('2099.1.0');
    } finally {
      await desk.close();
      await up.stop();
    }
  });
});

describe('secrets never in files', () => {
  it('after a desk run with sync at debug level against an upstream that echoes the token, no file in the data dir holds it', async () => {
    const TOKEN = 'Desk-Token-For-Grep-5b1e9f37c2';
    const up = await startUpstream({ token: TOKEN, invalid: (r) => (r.note.includes('回显') ? `refused for Bearer ${TOKEN}` : null) });
    const dataDir = tempDir('fenliu-secrets-');
    const logger = createDeskLogger({ dataDir, level: 'debug' });
    const config = deskConfigSchema.parse({ undoWindowMs: 0, upstream: { url: up.url, token: TOKEN, intervalMs: 500, timeoutMs: 800 }, logging: { level: 'debug' } });
    const desk = await openDesk({ dataDir, config, configFile: join(dataDir, 'config.json'), log: logger.logger, services: { sync: true } });
    try {
      for (const note of ['楼上装修太吵了，影响休息', '家里水管爆了没人修，请回显']) {
        desk.newCall({});
        desk.setNote({ note });
        expect(desk.transfer({ trigger: 'hid-key' }).kind).toBe('transferred');
      }
      await desk.syncNow();
      up.queueFaults('refuse-credentials', 'error-500', 'malformed', 'drop');
      for (let i = 0; i < 4; i += 1) await desk.syncNow();
      // The run did meet the echoing upstream and did log (otherwise this proves nothing).
      expect(up.counts().invalid).toBeGreaterThan(0);
    } finally {
      await desk.close();
      logger.close();
      await up.stop();
    }
    const files = listFiles(dataDir);
    expect(files.some((f) => f.includes('logs'))).toBe(true);
    const logText = files.filter((f) => f.includes('logs')).map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(logText).toMatch(/redacted|\[\d+ chars\]|refused/);
    for (const file of files) {
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from(TOKEN)), `${file} holds the token`).toBe(false);
    }
  }, 30_000);
});

/** An upgrade request written by hand; returns the status line the server answered. */
function rawUpgrade(port: number, head: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`${head}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
      if (text.includes('\r\n')) {
        socket.destroy();
        resolve(text.split('\r\n')[0]!);
      }
    });
    socket.on('error', () => resolve(text));
    socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
  });
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

describe('the browser desk lets in only its own address, origin and token', () => {
  let host: BrowserDesk;
  let desk: Desk;
  beforeAll(async () => {
    desk = new Desk({ db: openDatabase(':memory:'), config: deskConfigSchema.parse({}), rules: fakeRules() });
    host = await startBrowserDesk({ desk, staticDir: tempDir('fenliu-static-') });
  });
  afterAll(async () => {
    await host.close();
    await desk.close();
  });

  function attempt(options: { host?: string; origin?: string; query?: string }): Promise<'open' | number> {
    const port = host.port;
    return new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/desk${options.query ?? `?token=${host.token}`}`, {
        headers: { Host: options.host ?? `127.0.0.1:${port}` },
        origin: options.origin ?? `http://127.0.0.1:${port}`,
      });
      ws.once('open', () => {
        ws.close();
        resolve('open');
      });
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', () => resolve(0));
    });
  }

  it('near-miss hosts, origins and tokens are all refused; the exact ones get in', async () => {
    const p = host.port;
    const t = host.token;
    const hosts = [`127.0.0.1:${p}.evil.example`, `evil.example:${p}`, `127.0.0.1:${p + 1}`, `127.0.0.1`, `LOCALHOST.:${p}`, `[::1]:${p}`, `0.0.0.0:${p}`, `127.0.0.2:${p}`, `localhost:${p}@evil.example`];
    const origins = [`http://127.0.0.1:${p}.evil.example`, `https://127.0.0.1:${p}`, `http://evil.example`, 'null', `http://127.0.0.1:${p}/`, `HTTP://127.0.0.1:${p}`, `http://127.0.0.1:${p + 1}`, `file://`];
    const queries = ['', '?token=', `?token=${t.slice(0, -1)}`, `?token=${t}x`, `?token=${t.toUpperCase() === t ? t.toLowerCase() : t.toUpperCase()}`, `?Token=${t}`, `?token=${encodeURIComponent(' ' + t)}`, `?x=${t}`];
    for (const h of hosts) expect(await attempt({ host: h }), `Host ${h}`).not.toBe('open');
    for (const o of origins) expect(await attempt({ origin: o }), `Origin ${o}`).not.toBe('open');
    for (const q of queries) expect(await attempt({ query: q }), `query ${q}`).not.toBe('open');
    // No Host header at all (a raw client): refused before any upgrade.
    expect(await rawUpgrade(p, `GET /desk?token=${t} HTTP/1.1\r\nOrigin: http://127.0.0.1:${p}\r\n`)).not.toMatch(/^HTTP\/1\.1 101/);
    expect(await rawUpgrade(p, `GET /desk?token=${t} HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nOrigin: http://127.0.0.1:${p}\r\n`)).toMatch(/^HTTP\/1\.1 101/);
    expect(await attempt({})).toBe('open');
    expect(await attempt({ host: `localhost:${p}`, origin: `http://localhost:${p}` })).toBe('open');
  });
});
