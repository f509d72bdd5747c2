// The composed desk (openDesk): real SQLite, the shipped rules pack, the transfer key on recorded reports.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDesk } from '../../../src-main/core/open-desk';
import { deskConfigSchema } from '../../../src-main/core/config/schema';
import type { Desk } from '../../../src-main/core/desk';
import { tempDir } from '../../support/desk/fixtures';
import { FakeHidBackend } from '../../support/hid/fake-hid';
import { DEVICES, REPORTS } from '../../support/hid/reports';
import { readFileSync } from 'node:fs';

let desk: Desk | undefined;
afterEach(async () => {
  await desk?.close();
  desk = undefined;
});

describe('openDesk', () => {
  it('names targets and categories in the language the call-taker picked', async () => {
    const dataDir = tempDir();
    desk = await openDesk({ dataDir, config: deskConfigSchema.parse({}), configFile: join(dataDir, 'config.json') });
    const zh = desk.setNote({ note: '报警人称楼上装修噪音太大' });
    desk.setLocale({ locale: 'en' });
    const en = desk.setNote({ note: '报警人称楼上装修噪音太大' });
    expect(en.target).toBe(zh.target);
    expect(en.categoryName).not.toBe(zh.categoryName);
    expect(en.categoryName).toMatch(/[a-z]/i);
    expect(JSON.parse(readFileSync(join(dataDir, 'config.json'), 'utf8'))).toEqual({ locale: 'en' });
  });

  it('a pedal press (report bytes through the key service) transfers the current call; a pulled cable shows as missing', async () => {
    const dataDir = tempDir();
    const backend = new FakeHidBackend();
    backend.plug(DEVICES.infinity('/dev/hidraw9'));
    desk = await openDesk({
      dataDir,
      config: deskConfigSchema.parse({ undoWindowMs: 3000 }),
      configFile: join(dataDir, 'config.json'),
      services: { keys: { backend } },
    });
    expect(desk.snapshot().keys.devices).toMatchObject([{ state: 'connected', vendorId: 0x05f3 }]);
    const committed: string[] = [];
    desk.on('transferCommitted', (r) => committed.push(r.transfer.target));
    desk.setNote({ note: '报警人称想让110帮忙送一碗米粉到家里' });
    backend.device('/dev/hidraw9').send(REPORTS.infinity.middle);
    backend.device('/dev/hidraw9').send(REPORTS.infinity.allUp);
    expect(committed).toEqual(['civic']);
    expect(desk.listTransfers({})[0]).toMatchObject({ trigger: 'hid-key', status: 'pending' });
    const states: string[] = [];
    desk.on('keys', (k) => states.push(k.devices[0]?.state ?? 'none'));
    backend.unplug('/dev/hidraw9');
    expect(states).toContain('missing');
  });
});

describe('openDesk with the sync', () => {
  it('installs a newer signed pack from upstream once, and a pack served again is no error', async () => {
    const { startUpstream } = await import('../../support/upstream/server');
    const { generateSigningKey, signPack } = await import('../../../src-main/core/rules/signature');
    const key = generateSigningKey();
    const shipped = JSON.parse(readFileSync(join(__dirname, '../../../assets/rules/default-pack.json'), 'utf8'));
    const newer = signPack({ ...shipped, version: `${shipped.version}.1`, signature: undefined }, key.privateKeyPem, 'county');
    const up = await startUpstream({ rules: newer });
    const dataDir = tempDir();
    let now = Date.now();
    try {
      desk = await openDesk({
        now: () => now,
        dataDir,
        config: deskConfigSchema.parse({
          upstream: { url: up.url, token: up.token, intervalMs: 500 },
          rules: { trustedKeys: [{ id: 'county', publicKey: key.publicKeyBase64 }] },
        }),
        configFile: join(dataDir, 'config.json'),
        services: { sync: true },
      });
      await desk.syncNow();
      expect(desk.snapshot().rules).toMatchObject({ version: newer.version, signer: 'county' });
      // The same pack under a new ETag: nothing to install, and no rules problem reported.
      up.setRules({ signature: newer.signature, ...newer });
      now += 11 * 60_000; // past the rules interval
      await desk.syncNow();
      expect(up.requests().filter((r) => r.path.includes('rules')).length).toBe(2);
      expect(desk.snapshot().sync.lastError).toBeNull();
      expect(desk.snapshot().rules.version).toBe(newer.version);
    } finally {
      await desk?.close();
      desk = undefined;
      await up.stop();
    }
  });
});

describe('key actions reach the screen with the press time', () => {
  it('stamps keyAction with the epoch time the pedal went down', async () => {
    const dataDir = tempDir();
    const backend = new FakeHidBackend();
    backend.plug(DEVICES.infinity('/dev/hidraw8'));
    desk = await openDesk({ dataDir, config: deskConfigSchema.parse({}), configFile: join(dataDir, 'config.json'), services: { keys: { backend } } });
    const actions: { action: string; at: number }[] = [];
    desk.on('keyAction', (a) => actions.push(a));
    const before = Date.now();
    backend.device('/dev/hidraw8').send(REPORTS.infinity.left);
    const after = Date.now();
    expect(actions).toHaveLength(1);
    expect(actions[0]!.action).toBe('undo');
    expect(actions[0]!.at).toBeGreaterThanOrEqual(before - 1);
    expect(actions[0]!.at).toBeLessThanOrEqual(after + 1);
  });
});
