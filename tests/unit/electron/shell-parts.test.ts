// The shell's plain parts: keyboard keys, tray text, shutdown, single instance, token vault, installer properties.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { KeyStateView, SyncStateView } from '../../../src-main/api/contract';
import { configSources, loadConfig } from '../../../src-main/core/config/load';
import { deskConfigSchema } from '../../../src-main/core/config/schema';
import { appLayout, parseShellArgs } from '../../../src-main/electron/app-layout';
import { parseInstallerArgs, writeMachineConfig } from '../../../src-main/electron/installer-config';
import { registerKeyboardKeys, type GlobalShortcutPort } from '../../../src-main/electron/keyboard-keys';
import { focusExistingWindow, installCleanShutdown, type QuitEvent } from '../../../src-main/electron/lifecycle';
import { adoptPlaintextToken, TokenVault, withVaultToken, type SafeStoragePort } from '../../../src-main/electron/secrets';
import { trayStatus } from '../../../src-main/electron/tray';
import { tempDir } from '../../support/desk/fixtures';


describe('keyboard transfer keys', () => {
  function fakeShortcut(taken: string[] = []) {
    const bound = new Map<string, () => void>();
    const shortcut: GlobalShortcutPort = {
      register: (a, cb) => (taken.includes(a) ? false : (bound.set(a, cb), true)),
      unregister: (a) => void bound.delete(a),
    };
    return { shortcut, bound };
  }
  it("binds the Desk's accelerators globally and hands each key-down to the Desk", () => {
    const { shortcut, bound } = fakeShortcut();
    const desk = { pressKeyboardKey: vi.fn() };
    const keys = registerKeyboardKeys(shortcut, ['F13', 'F14', 'F13'], (accelerator) => desk.pressKeyboardKey(accelerator));
    expect(keys.registered).toEqual(['F13', 'F14']);
    bound.get('F14')!();
    expect(desk.pressKeyboardKey).toHaveBeenLastCalledWith('F14');
    keys.unregister();
    expect(bound.size).toBe(0);
  });

  it('reports an accelerator another program holds', () => {
    const { shortcut } = fakeShortcut(['F13']);
    const keys = registerKeyboardKeys(shortcut, ['F13', 'F16'], () => undefined);
    expect(keys).toMatchObject({ registered: ['F16'], failed: ['F13'] });
  });
});

describe('tray status', () => {
  const sync = (s: Partial<SyncStateView>): SyncStateView => ({
    configured: true, online: true, queued: 0, pending: 0, rejected: 0, lastSuccessAt: null, lastError: null, nextTryAt: null, credentialsRefused: false, ...s,
  });
  const keys = (s: Partial<KeyStateView> = {}): KeyStateView => ({ backend: 'ok', backendError: null, devices: [], learning: null, keyboardAccelerator: 'F13', ...s });
  const pedal = { deviceId: 'd', name: 'Pedal', vendorId: 1, productId: 2, path: null, state: 'connected' as const };

  it('says online and how many keys are connected', () => {
    const status = trayStatus(sync({ queued: 2 }), keys({ devices: [pedal] }), 'zh-CN');
    expect(status.state).toBe('ok');
    expect(status.tooltip).toContain('联动平台：在线，待发送 2');
    expect(status.tooltip).toContain('转接键：1 个已连接');
  });

  it('turns offline when the upstream is unreachable and to attention when credentials are refused', () => {
    expect(trayStatus(sync({ online: false, queued: 3 }), keys(), 'en')).toMatchObject({ state: 'offline', tooltip: expect.stringContaining('offline, 3 to send') });
    expect(trayStatus(sync({ credentialsRefused: true }), keys(), 'zh-TW').state).toBe('attention');
    expect(trayStatus(sync({}), keys(), 'en', ['F13'])).toMatchObject({ state: 'attention', tooltip: expect.stringContaining('F13 is taken') });
  });

  it('says when no upstream is configured', () => {
    expect(trayStatus(sync({ configured: false, online: false }), keys(), 'zh-CN')).toMatchObject({ state: 'ok', tooltip: expect.stringContaining('未配置联动平台') });
  });
});

describe('clean shutdown', () => {
  function fakeApp() {
    let beforeQuit: ((e: QuitEvent) => void) | undefined;
    const app = { on: (_: 'before-quit', l: (e: QuitEvent) => void) => (beforeQuit = l), exit: vi.fn() };
    return { app, quit: () => { const e = { preventDefault: vi.fn() }; beforeQuit!(e); return e; } };
  }
  const log = { info: vi.fn(), error: vi.fn() };

  it('holds the quit until the desk is closed, closes once, then exits 0', async () => {
    const { app, quit } = fakeApp();
    let finish: () => void = () => undefined;
    const close = vi.fn(() => new Promise<void>((r) => (finish = r)));
    const shutdown = installCleanShutdown(app, close, log);
    const event = quit();
    expect(event.preventDefault).toHaveBeenCalled();
    expect(shutdown.closing).toBe(true);
    quit();
    expect(close).toHaveBeenCalledTimes(1);
    expect(app.exit).not.toHaveBeenCalled();
    finish();
    await shutdown.shutdown('again');
    expect(app.exit).toHaveBeenCalledWith(0);
    expect(app.exit).toHaveBeenCalledTimes(1);
  });

  it('exits 1 and logs when the desk fails to close', async () => {
    const { app } = fakeApp();
    const shutdown = installCleanShutdown(app, () => Promise.reject(new Error('disk gone')), log);
    await shutdown.shutdown('test');
    expect(app.exit).toHaveBeenCalledWith(1);
    expect(log.error).toHaveBeenCalled();
  });
});

describe('single instance', () => {
  it('brings the running window back to the front', () => {
    const win = { isDestroyed: () => false, isMinimized: () => true, restore: vi.fn(), isVisible: () => false, show: vi.fn(), focus: vi.fn() };
    expect(focusExistingWindow(win)).toBe(true);
    expect(win.restore).toHaveBeenCalled();
    expect(win.show).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
    expect(focusExistingWindow(null)).toBe(false);
  });
});

describe('upstream token vault', () => {
  // A reversible stand-in for the OS key store: not the plain text on disk.
  const safeStorage = (available = true): SafeStoragePort => ({
    isEncryptionAvailable: () => available,
    encryptString: (s) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ 0x5a)),
    decryptString: (b) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8'),
  });

  it('moves a token out of the user config file into the encrypted store, and the desk still gets it', () => {
    const dir = tempDir();
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ upstream: { url: 'https://linkage.example/api', token: 'tok-123' }, locale: 'en' }));
    const vault = new TokenVault(dir, safeStorage());
    expect(adoptPlaintextToken(file, vault)).toBe('moved');
    expect(readFileSync(file, 'utf8')).not.toContain('tok-123');
    expect(readFileSync(vault.file).toString('latin1')).not.toContain('tok-123');
    const config = loadConfig(configSources(dir, undefined, { FENLIU_MACHINE_CONFIG: join(dir, 'none.json') }));
    expect(config.locale).toBe('en');
    expect(withVaultToken(config, vault).upstream.token).toBe('tok-123');
  });

  it('leaves the file alone when the OS has no key store', () => {
    const dir = tempDir();
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ upstream: { token: 'tok-123' } }));
    expect(adoptPlaintextToken(file, new TokenVault(dir, safeStorage(false)))).toBe('no-key-store');
    expect(readFileSync(file, 'utf8')).toContain('tok-123');
  });

  it('prefers a token named in a config file over the stored one', () => {
    const dir = tempDir();
    const vault = new TokenVault(dir, safeStorage());
    vault.write('stored');
    const config = deskConfigSchema.parse({ upstream: { token: 'from-it' } });
    expect(withVaultToken(config, vault).upstream.token).toBe('from-it');
    expect(withVaultToken(deskConfigSchema.parse({}), vault).upstream.token).toBe('stored');
  });
});

describe('MSI properties into the machine config', () => {
  it('is not the installer’s start without --write-machine-config', () => {
    expect(parseInstallerArgs(['Fenliu.exe', '--upstream-url=https://x.example'])).toBeNull();
  });

  it('writes UPSTREAM_URL and DESK_ID, keeping IT’s other settings and comments', () => {
    const dir = tempDir();
    const file = join(dir, 'Fenliu', 'config.json');
    const props = parseInstallerArgs(['Fenliu.exe', '--write-machine-config', '--upstream-url=https://linkage.county.example/api', '--desk-id=desk-07']);
    expect(writeMachineConfig(file, props!)).toEqual(['upstream.url', 'desk.id']);
    writeFileSync(file, JSON.stringify({ $comment: 'county IT', ...JSON.parse(readFileSync(file, 'utf8')), undoWindowMs: 3000 }));
    writeMachineConfig(file, { deskId: 'desk-08' });
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(written).toEqual({ $comment: 'county IT', upstream: { url: 'https://linkage.county.example/api' }, desk: { id: 'desk-08' }, undoWindowMs: 3000 });
  });

  it('writes nothing for empty properties (msiexec without them)', () => {
    const dir = tempDir();
    const file = join(dir, 'config.json');
    expect(writeMachineConfig(file, parseInstallerArgs(['x', '--write-machine-config', '--upstream-url=', '--desk-id='])!)).toEqual([]);
    expect(existsSync(file)).toBe(false);
  });

  it('fails the install on a bad URL and leaves an existing file untouched', () => {
    const dir = tempDir();
    const file = join(dir, 'config.json');
    writeFileSync(file, '{"desk":{"id":"desk-01"}}');
    expect(() => writeMachineConfig(file, { upstreamUrl: 'not a url' })).toThrow(/upstream\.url/);
    expect(readFileSync(file, 'utf8')).toBe('{"desk":{"id":"desk-01"}}');
    writeFileSync(file, '{ broken');
    expect(() => writeMachineConfig(file, { deskId: 'x' })).toThrow(/not valid.*left untouched/);
  });
});

describe('app layout and shell arguments', () => {
  it('takes the rules pack from the resources folder when packaged, from assets/ otherwise', () => {
    expect(appLayout({ appPath: '/r/app.asar', mainDir: '/r/app.asar/dist-main/electron', resourcesPath: '/r', packaged: true })).toMatchObject({
      preload: '/r/app.asar/dist-main/electron/preload.cjs',
      rendererDir: '/r/app.asar/dist-renderer',
      assetsDir: '/r',
    });
    expect(appLayout({ appPath: '/src', mainDir: '/src/dist-main/electron', resourcesPath: '/x', packaged: false }).assetsDir).toBe('/src/assets');
  });

  it('reads --data-dir and --config among Chromium switches', () => {
    expect(parseShellArgs(['electron', '.', '--no-sandbox', '--data-dir=/d', '--config', '/c.json'])).toEqual({ dataDir: '/d', config: '/c.json' });
  });
});
