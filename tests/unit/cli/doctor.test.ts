// `fenliu doctor`: what IT sees when a desk is healthy, and when it is not (damaged database, HID library missing,
// upstream refusing), and what the support bundle holds — never a secret, never a caller's words.
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliContext } from '../../../src-main/cli/command';
import { createDoctorCommand, DEFAULT_DOCTOR_DEPS, withoutSecrets, type DoctorDeps, type DoctorReport } from '../../../src-main/cli/commands/doctor';
import { configSources, loadConfig } from '../../../src-main/core/config/load';
import { databasePath } from '../../../src-main/core/config/paths';
import { Desk } from '../../../src-main/core/desk';
import { HidUnavailableError } from '../../../src-main/core/keys/hid/backend';
import { createDeskLogger } from '../../../src-main/core/logging';
import { openDatabase } from '../../../src-main/core/store/database';
import { fakeRules } from '../../support/desk/fake-rules';
import { tempDir } from '../../support/desk/fixtures';
import { startUpstream, type Upstream } from '../../support/upstream/server';

const require = createRequire(import.meta.url);
const yauzl = require('yauzl') as typeof import('yauzl');

const NOTE = '张三说楼上邻居半夜装修';
const pedal = { vendorId: 0x05f3, productId: 0x00ff, path: '/dev/hidraw3', product: 'VEC USB Footpedal', manufacturer: 'VEC' };
const fakeDeps = (over: Partial<DoctorDeps> = {}): DoctorDeps => ({
  ...DEFAULT_DOCTOR_DEPS,
  hid: () => ({ devices: async () => [pedal], open: async () => { throw new Error('not in tests'); } }),
  hidVersion: async () => '0.15.0',
  ...over,
});

let dir: string;
let upstream: Upstream | undefined;
beforeEach(() => {
  dir = tempDir('fenliu-doctor-');
  process.env.FENLIU_MACHINE_CONFIG = join(dir, 'machine.json');
});
afterEach(async () => {
  await upstream?.stop();
  upstream = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function runDoctor(args: { json?: boolean; bundle?: string } = {}, deps = fakeDeps()) {
  const lines: string[] = [];
  const desks: Desk[] = [];
  const dataDir = join(dir, 'data');
  const ctx: CliContext = {
    values: { bundle: args.bundle, full: false },
    positionals: [],
    json: args.json ?? true,
    dataDir,
    get config() {
      return loadConfig(configSources(dataDir));
    },
    openDesk: async () => {
      const desk = new Desk({ db: openDatabase(databasePath(dataDir)), config: ctx.config, rules: fakeRules() });
      desks.push(desk);
      return desk;
    },
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
  };
  const code = await createDoctorCommand(deps).run(ctx);
  for (const d of desks) await d.close();
  return { code, lines, report: args.json === false ? null : (JSON.parse(lines[0]!) as DoctorReport & { bundle?: { entries: string[] } }) };
}

const status = (report: DoctorReport, name: string) => report.checks.find((c) => c.name === name)!;

/** A desk that has been used: a database with one transfer (and its note), a config file, a log. */
async function usedDesk(config: object = {}) {
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify(config));
  const db = openDatabase(databasePath(dataDir));
  const desk = new Desk({ db, config: loadConfig(configSources(dataDir)), rules: fakeRules() });
  desk.transferNow({ note: `${NOTE}，米粉店吵` }, {});
  await desk.close();
  return dataDir;
}

describe('fenliu doctor', () => {
  it('on a fresh machine: warns that nothing exists yet, passes, and exits 0', async () => {
    const { code, report } = await runDoctor();
    expect(code).toBe(0);
    expect(report!.ok).toBe(true);
    expect(status(report!, 'data-dir').status).toBe('warn');
    expect(status(report!, 'database').status).toBe('warn');
    expect(status(report!, 'upstream')).toMatchObject({ status: 'skipped', detail: expect.stringContaining('offline') });
    expect(status(report!, 'hid')).toMatchObject({ status: 'ok', detail: expect.stringContaining('1 HID device') });
  });

  it('on a used desk: database, schema, audit chain and rules all ok', async () => {
    await usedDesk();
    const { code, report, lines } = await runDoctor({ json: true });
    expect(code).toBe(0);
    for (const name of ['data-dir', 'config', 'database', 'schema', 'audit', 'rules']) expect(status(report!, name).status, name).toBe('ok');
    expect(status(report!, 'audit').detail).toMatch(/chain intact/);
    expect(status(report!, 'rules').detail).toMatch(/version test-1/);
    expect(lines[0]).not.toContain(NOTE);
  });

  it('fails (exit 1) on a damaged database and names the problem', async () => {
    const dataDir = await usedDesk();
    const fd = openSync(databasePath(dataDir), 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, 4096 * 2);
    closeSync(fd);
    const { code, report } = await runDoctor();
    expect(code).toBe(1);
    expect(status(report!, "database").status).toBe("fail");
    expect(report!.ok).toBe(false);
    expect(status(report!, 'database').detail).not.toContain('\n');
  });

  it('fails when the HID library cannot load, with what IT should do', async () => {
    const { code, report } = await runDoctor({}, fakeDeps({ hid: () => ({ devices: async () => { throw new HidUnavailableError('node-hid could not load: libusb-1.0.so.0 missing', 'install libusb (apt-get install libusb-1.0-0)'); }, open: async () => { throw new Error(); } }) }));
    expect(code).toBe(1);
    expect(status(report!, 'hid')).toMatchObject({ status: 'fail', detail: expect.stringContaining('apt-get install libusb-1.0-0') });
  });

  it('reaches the upstream’s /v1/health with the desk’s token, and fails when the token is refused', async () => {
    upstream = await startUpstream({ token: 'good-token-123' });
    await usedDesk({ upstream: { url: upstream.url, token: 'good-token-123' } });
    const ok = await runDoctor();
    expect(status(ok.report!, 'upstream')).toMatchObject({ status: 'ok', detail: `${upstream.url}/v1/health ok` });
    expect(ok.code).toBe(0);
    writeFileSync(join(dir, 'data', 'config.json'), JSON.stringify({ upstream: { url: upstream.url, token: 'stale-token-456' } }));
    const refused = await runDoctor();
    expect(refused.code).toBe(1);
    expect(status(refused.report!, 'upstream').status).toBe('fail');
    expect(JSON.stringify(refused.report)).not.toContain('stale-token-456');
  });

  it('fails quickly when nothing answers at the upstream address', async () => {
    await usedDesk({ upstream: { url: 'http://127.0.0.1:9/api', token: 'tok-abcdef' } });
    const started = Date.now();
    const { code, report } = await runDoctor();
    expect(code).toBe(1);
    expect(status(report!, 'upstream').status).toBe('fail');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('prints one line per check for people', async () => {
    const { lines } = await runDoctor({ json: false });
    expect(lines.some((l) => /^warn\s+database\s/.test(l))).toBe(true);
    expect(lines[lines.length - 1]).toBe('desk ok');
  });
});

describe('support bundle', () => {
  function unzip(file: string): Promise<Map<string, string>> {
    return new Promise((done, fail) => {
      const out = new Map<string, string>();
      yauzl.open(file, { lazyEntries: true }, (error, zip) => {
        if (error || !zip) return fail(error);
        zip.on('entry', (entry: import('yauzl').Entry) => {
          zip.openReadStream(entry, (e, stream) => {
            if (e || !stream) return fail(e);
            const chunks: Buffer[] = [];
            stream.on('data', (c: Buffer) => chunks.push(c));
            stream.on('end', () => {
              out.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
              zip.readEntry();
            });
          });
        });
        zip.on('end', () => done(out));
        zip.readEntry();
      });
    });
  }

  it('holds logs, config without secrets, versions, database facts and the device list — no token, no note', async () => {
    upstream = await startUpstream({ token: 'bundle-secret-token' });
    const dataDir = await usedDesk({ upstream: { url: upstream.url, token: 'bundle-secret-token', clientCert: { pfxFile: '/x.pfx', passphrase: 'pfx-secret-pass' } } });
    writeFileSync(process.env.FENLIU_MACHINE_CONFIG!, JSON.stringify({ desk: { id: 'desk-07' }, upstream: { token: 'machine-secret-token' } }));
    const { logger, close } = createDeskLogger({ dataDir, level: 'info' });
    logger.info({ note: NOTE, transfer: { id: 't1' } }, 'transfer committed');
    logger.warn({}, 'upstream said: bad token bundle-secret-token'); // a message that quotes a secret
    close();
    const target = join(dir, 'support.zip');
    const { report } = await runDoctor({ bundle: target }, fakeDeps({ health: async () => ({ ok: true }) }));
    const files = await unzip(target);
    expect([...files.keys()].sort()).toEqual(
      ['config/effective.json', 'config/machine.json', 'config/user.json', 'database.json', 'devices.json', 'doctor.json', 'logs/fenliu.log', 'versions.json'].sort(),
    );
    expect(report!.bundle!.entries).toHaveLength(8);
    const all = [...files.values()].join('\n');
    for (const secret of ['bundle-secret-token', 'machine-secret-token', 'pfx-secret-pass', NOTE]) expect(all).not.toContain(secret);
    expect(JSON.parse(files.get('config/user.json')!).content.upstream).toMatchObject({ token: '[removed]', url: upstream.url });
    expect(JSON.parse(files.get('config/effective.json')!).desk.id).toBe('desk-07');
    expect(JSON.parse(files.get('database.json')!)).toMatchObject({ integrity: ['ok'], schemaVersion: expect.any(Number), tables: expect.objectContaining({ transfers: 1 }) });
    expect(JSON.parse(files.get('devices.json')!)).toEqual([expect.objectContaining({ vendorId: 0x05f3, product: 'VEC USB Footpedal' })]);
    expect(JSON.parse(files.get('versions.json')!)).toMatchObject({ node: process.versions.node, hidapi: '0.15.0', sqlite: expect.any(String) });
    expect(files.get('logs/fenliu.log')).toContain('transfer committed');
  });

  it('refuses a bundle name that is not a .zip', async () => {
    await expect(runDoctor({ bundle: join(dir, 'support.txt') })).rejects.toThrow(/must name a \.zip file/);
  });
});

describe('secrets removal', () => {
  it('replaces every secret value and keeps the rest', () => {
    expect(withoutSecrets({ upstream: { url: 'u', token: 't', clientCert: { certFile: 'c', keyFile: 'k', passphrase: 'p' } }, rules: { trustedKeys: [{ id: 'a', publicKey: 'pk' }] } })).toEqual({
      upstream: { url: 'u', token: '[removed]', clientCert: { certFile: 'c', keyFile: 'k', passphrase: '[removed]' } },
      rules: { trustedKeys: [{ id: 'a', publicKey: 'pk' }] },
    });
  });
});
