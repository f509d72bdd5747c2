// Security settings of the desk window, kept as plain data and plain functions so that unit tests check the very
// objects main.ts hands to Electron.
//
// The screen is served from a custom scheme, fenliu://desk/, not file:// (Electron's security checklist,
// "avoid file://"): the handler serves only files inside dist-renderer, adds the Content-Security-Policy header to
// every response, and gives the page one origin that the IPC sender check compares against.
import { readFile } from 'node:fs/promises';
import { extname, relative, resolve, sep } from 'node:path';
import type { BrowserWindowConstructorOptions } from 'electron';

export const DESK_SCHEME = 'fenliu';
export const DESK_HOST = 'desk';
export const DESK_ORIGIN = `${DESK_SCHEME}://${DESK_HOST}`;
export const DESK_URL = `${DESK_ORIGIN}/index.html`;

/** Scripts only from the app itself; no eval, no remote content, no plugins, no framing. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** How the fenliu:// scheme is registered (before app ready): a standard, secure origin, no network access. */
export const DESK_SCHEME_PRIVILEGES = {
  scheme: DESK_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: false },
} as const;

export interface WindowUiOptions {
  alwaysOnTop: boolean;
  /** DevTools only when running unpackaged (a developer's machine). */
  devTools: boolean;
  icon?: string;
}

/** The options the desk window is created with. */
export function browserWindowOptions(preloadPath: string, ui: WindowUiOptions): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: '分流 Fenliu',
    backgroundColor: '#f5f6f8',
    alwaysOnTop: ui.alwaysOnTop,
    autoHideMenuBar: true,
    ...(ui.icon ? { icon: ui.icon } : {}),
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: ui.devTools,
    },
  };
}

/** True for URLs of the desk's own pages (a reload); anything else is a navigation away and is refused. */
export function isDeskUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${DESK_SCHEME}:` && parsed.host === DESK_HOST;
  } catch {
    return false;
  }
}

/** The parts of webContents the hardening touches (Electron's WebContents fits). */
export interface HardenableContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void; url: string }, url?: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** No navigation away from the desk, no new windows, no <webview>. Refusals are reported to `onRefused`. */
export function hardenWebContents(contents: HardenableContents, onRefused: (what: string, url: string) => void): void {
  const guard = (what: string) => (event: { preventDefault(): void; url: string }, url?: string) => {
    const target = url ?? event.url;
    if (isDeskUrl(target)) return;
    event.preventDefault();
    onRefused(what, target);
  };
  contents.on('will-navigate', guard('navigation'));
  contents.on('will-redirect', guard('redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    onRefused('webview', '');
  });
  contents.setWindowOpenHandler(({ url }) => {
    onRefused('new window', url);
    return { action: 'deny' };
  });
}

/** The parts of a session the hardening touches (Electron's Session fits). */
export interface HardenableSession {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
  webRequest: {
    onBeforeRequest(filter: { urls: string[] }, listener: (details: { url: string }, callback: (response: { cancel: boolean }) => void) => void): void;
  };
}

/** Every permission (camera, microphone, notifications, geolocation, …) is refused; the page reaches no network. */
export function hardenSession(session: HardenableSession, onRefused: (what: string, url: string) => void): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    onRefused(`permission ${permission}`, '');
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  // The desk talks to its core over IPC only; the core (not the page) talks to the upstream.
  session.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'file:///*'] }, (details, callback) => {
    onRefused('network request', details.url);
    callback({ cancel: true });
  });
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
};

function securityHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  };
}

/**
 * The fenliu:// handler: serves files of `rootDir` (dist-renderer) and nothing else; every response carries the CSP.
 * A path that leaves the root, another host, or a missing file is answered 404.
 */
export function createDeskProtocolHandler(rootDir: string): (request: Request) => Promise<Response> {
  const root = resolve(rootDir);
  const notFound = () => new Response('not found', { status: 404, headers: securityHeaders('text/plain; charset=utf-8') });
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return notFound();
    }
    if (url.protocol !== `${DESK_SCHEME}:` || url.host !== DESK_HOST || request.method !== 'GET') return notFound();
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return notFound();
    }
    if (pathname.includes('\0')) return notFound();
    const file = resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`);
    const rel = relative(root, file);
    if (rel === '' || rel.startsWith('..') || rel.split(sep).includes('..')) return notFound();
    try {
      const body = await readFile(file);
      return new Response(body, { status: 200, headers: securityHeaders(CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream') });
    } catch {
      return notFound();
    }
  };
}
