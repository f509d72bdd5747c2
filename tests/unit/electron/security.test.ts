import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  browserWindowOptions,
  CONTENT_SECURITY_POLICY,
  createDeskProtocolHandler,
  DESK_URL,
  hardenSession,
  hardenWebContents,
  isDeskUrl,
  type HardenableContents,
  type HardenableSession,
} from '../../../src-main/electron/security';
import { tempDir } from '../../support/desk/fixtures';

describe('desk window options', () => {
  it('isolate the page: context isolation, sandbox, no Node, no webview, web security on', () => {
    const options = browserWindowOptions('/app/dist-main/electron/preload.cjs', { alwaysOnTop: false, devTools: false });
    expect(options.webPreferences).toMatchObject({
      preload: '/app/dist-main/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(options.show).toBe(false);
  });

  it('keep the window on top when IT set ui.alwaysOnTop', () => {
    expect(browserWindowOptions('/p.cjs', { alwaysOnTop: true, devTools: false }).alwaysOnTop).toBe(true);
    expect(browserWindowOptions('/p.cjs', { alwaysOnTop: false, devTools: false }).alwaysOnTop).toBe(false);
  });
});

describe('content security policy', () => {
  it('allows scripts only from the app itself', () => {
    const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval/);
  });
});

describe('fenliu://desk protocol', () => {
  const root = tempDir('fenliu-renderer-');
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, '..', 'secret.txt'), 'not for the page');
  const handle = createDeskProtocolHandler(root);
  const get = (url: string, method = 'GET') => handle(new Request(url, { method }));

  it('serves the page and its assets with the CSP on every response', async () => {
    const page = await get(DESK_URL);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await page.text()).toContain('id="root"');
    const script = await get('fenliu://desk/assets/app.js');
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(script.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect((await get('fenliu://desk/')).status).toBe(200);
  });

  it.each([
    'fenliu://desk/%2e%2e/secret.txt',
    'fenliu://desk/..%2fsecret.txt',
    'fenliu://desk/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'fenliu://other/index.html',
    'fenliu://desk/missing.js',
    'fenliu://desk/%00index.html',
  ])('answers 404 to %s', async (url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('not for the page');
  });

  it('answers 404 to anything but GET', async () => {
    expect((await get(DESK_URL, 'POST')).status).toBe(404);
  });
});

describe('navigation, new windows and permissions', () => {
  function fakeContents() {
    const listeners = new Map<string, (event: { preventDefault(): void; url: string }, url?: string) => void>();
    let openHandler: ((d: { url: string }) => { action: 'deny' }) | undefined;
    const contents: HardenableContents = {
      on: ((name: string, listener: never) => listeners.set(name, listener)) as HardenableContents['on'],
      setWindowOpenHandler: (h) => (openHandler = h),
    };
    const fire = (name: string, url: string) => {
      const event = { preventDefault: vi.fn(), url };
      listeners.get(name)!(event, url);
      return event.preventDefault.mock.calls.length > 0;
    };
    return { contents, fire, open: (url: string) => openHandler!({ url }) };
  }

  it('refuses navigation away from the desk and allows a reload of it', () => {
    const refused = vi.fn();
    const { contents, fire } = fakeContents();
    hardenWebContents(contents, refused);
    expect(fire('will-navigate', 'https://phish.example/login')).toBe(true);
    expect(fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(fire('will-redirect', 'http://127.0.0.1:8080/')).toBe(true);
    expect(fire('will-navigate', DESK_URL)).toBe(false);
    expect(fire('will-attach-webview', '')).toBe(true);
    expect(refused).toHaveBeenCalledWith('navigation', 'https://phish.example/login');
  });

  it('denies every new window', () => {
    const { contents, open } = fakeContents();
    hardenWebContents(contents, () => undefined);
    expect(open('https://example.com')).toEqual({ action: 'deny' });
    expect(open(DESK_URL)).toEqual({ action: 'deny' });
  });

  it('denies every permission request and blocks network requests from the page', () => {
    let request: ((c: unknown, p: string, cb: (g: boolean) => void) => void) | undefined;
    let check: ((c: unknown, p: string) => boolean) | undefined;
    let network: ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | undefined;
    let filter: string[] = [];
    const session: HardenableSession = {
      setPermissionRequestHandler: (h) => (request = h),
      setPermissionCheckHandler: (h) => (check = h),
      webRequest: { onBeforeRequest: (f, l) => ((filter = f.urls), (network = l)) },
    };
    hardenSession(session, () => undefined);
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      request!({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
      expect(check!({}, permission)).toBe(false);
    }
    const cb = vi.fn();
    network!({ url: 'https://upstream.example/v1/transfers' }, cb);
    expect(cb).toHaveBeenCalledWith({ cancel: true });
    expect(filter).toEqual(expect.arrayContaining(['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*']));
  });

  it('recognises only fenliu://desk URLs as the desk', () => {
    expect(isDeskUrl('fenliu://desk/index.html#/inbox')).toBe(true);
    expect(isDeskUrl('fenliu://evil/index.html')).toBe(false);
    expect(isDeskUrl('not a url')).toBe(false);
  });
});
