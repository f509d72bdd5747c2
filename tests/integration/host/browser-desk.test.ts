// The browser desk over real HTTP and WebSocket on loopback, with a real Desk (SQLite in a temp dir).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Desk } from '../../../src-main/core/desk';
import { openDatabase } from '../../../src-main/core/store/database';
import { deskConfigSchema } from '../../../src-main/core/config/schema';
import { startBrowserDesk, type BrowserDesk } from '../../../src-main/host/browser-desk';
import { fakeRules } from '../../support/desk/fake-rules';
import { tempDir } from '../../support/desk/fixtures';

let desk: Desk;
let host: BrowserDesk;
let origin: string;

beforeAll(async () => {
  const dir = tempDir('fenliu-host-');
  const staticDir = join(dir, 'dist-renderer');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>desk</title>');
  writeFileSync(join(staticDir, 'assets', 'app-1234.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'not for the browser');
  desk = new Desk({ db: openDatabase(join(dir, 'fenliu.db')), config: deskConfigSchema.parse({}), rules: fakeRules() });
  host = await startBrowserDesk({ desk, staticDir });
  origin = `http://127.0.0.1:${host.port}`;
});

afterAll(async () => {
  await host.close();
  await desk.close();
});

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method, headers: { Host: `127.0.0.1:${host.port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a socket; resolves with it when open, or with the HTTP status the upgrade was refused with. */
function openSocket(options: { token?: string | null; origin?: string | null; path?: string; host?: string } = {}): Promise<WebSocket | number> {
  const token = options.token === undefined ? host.token : options.token;
  const url = `ws://127.0.0.1:${host.port}${options.path ?? '/desk'}${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
  const headers: Record<string, string> = options.host ? { Host: options.host } : {};
  const o = options.origin === undefined ? origin : options.origin;
  const ws = new WebSocket(url, { headers, ...(o === null ? {} : { origin: o }) });
  return new Promise((resolve) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(-1));
  });
}

async function connected(): Promise<WebSocket> {
  const ws = await openSocket();
  if (typeof ws === 'number') throw new Error(`refused with ${ws}`);
  return ws;
}

/** Sends raw text and waits for the answer with that id (or the first answer when the id is unknown). */
function ask(ws: WebSocket, message: unknown, id?: number): Promise<{ id: number; ok: boolean; result?: unknown; error?: { code: string; message: string } }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const m = JSON.parse(data.toString());
      if ('event' in m) return;
      if (id === undefined || m.id === id) {
        ws.off('message', onMessage);
        resolve(m);
      }
    };
    ws.on('message', onMessage);
    ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  });
}

describe('the browser desk: HTTP', () => {
  it('prints an address on 127.0.0.1 with the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the screen with a strict content security policy and no caching of index.html', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>desk</title>');
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['cache-control']).toBe('no-store');
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    const asset = await get('/assets/app-1234.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('text/javascript');
  });

  it('answers localhost:PORT too, but refuses any other Host (DNS rebinding)', async () => {
    expect((await get('/', { Host: `localhost:${host.port}` })).status).toBe(200);
    expect((await get('/', { Host: `evil.example:${host.port}` })).status).toBe(403);
    expect((await get('/', { Host: `127.0.0.1:${host.port + 1}` })).status).toBe(403);
    expect((await get('/', { Host: '127.0.0.1' })).status).toBe(403);
  });

  it('serves nothing outside the renderer folder, and only GET/HEAD', async () => {
    expect((await get('/../secret.txt')).status).toBe(404);
    expect((await get('/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get('/assets/..%2f..%2fsecret.txt')).status).toBe(404);
    expect((await get('/', {}, 'POST')).status).toBe(405);
  });
});

describe('the browser desk: WebSocket', () => {
  it('refuses sockets without the token, with a wrong token, from another origin, without an origin, or on another Host', async () => {
    expect(await openSocket({ token: null })).toBe(403);
    expect(await openSocket({ token: 'x'.repeat(host.token.length) })).toBe(403);
    expect(await openSocket({ token: host.token.slice(0, -1) })).toBe(403);
    expect(await openSocket({ origin: 'http://evil.example' })).toBe(403);
    expect(await openSocket({ origin: `http://127.0.0.1:${host.port + 1}` })).toBe(403);
    expect(await openSocket({ origin: null })).toBe(403);
    expect(await openSocket({ host: `evil.example:${host.port}` })).toBe(403);
    expect(await openSocket({ path: '/other' })).toBe(404);
  });

  it('runs commands and forwards every Desk event', async () => {
    const ws = await connected();
    const events: string[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m.event) events.push(m.event);
    });
    const snapshot = await ask(ws, { id: 1, command: 'snapshot', args: {} }, 1);
    expect(snapshot).toMatchObject({ id: 1, ok: true, result: { deskId: 'desk-local' } });
    const note = await ask(ws, { id: 2, command: 'setNote', args: { note: '想吃米粉' } }, 2);
    expect(note).toMatchObject({ ok: true, result: { target: 'civic' } });
    expect(events).toContain('classification');
    const transfer = await ask(ws, { id: 3, command: 'transfer', args: { trigger: 'keyboard' } }, 3);
    expect(transfer).toMatchObject({ ok: true, result: { kind: 'transferred' } });
    // The events of a command reach the screen before its answer.
    expect(events).toEqual(expect.arrayContaining(['transferCommitted', 'call', 'transfers', 'stats']));
    ws.close();
  });

  it('answers bad input with bad-request naming what was wrong, and keeps serving', async () => {
    const ws = await connected();
    expect(await ask(ws, 'not json')).toMatchObject({ id: -1, ok: false, error: { code: 'bad-request', message: 'the message is not valid JSON' } });
    const unknown = await ask(ws, { id: 7, command: 'formatDisk', args: {} }, 7);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(unknown.error!.message).toMatch(/^command: /);
    const reason = await ask(ws, { id: 8, command: 'transfer', args: { target: 'civic', overrideReason: 'x' } }, 8);
    expect(reason.error).toEqual({ code: 'bad-request', message: 'transfer: args.overrideReason: an override needs a written reason' });
    const target = await ask(ws, { id: 9, command: 'transfer', args: { target: '999' } }, 9);
    expect(target.error!.message).toMatch(/^transfer: args\.target: /);
    const extra = await ask(ws, { id: 10, command: 'undo', args: { transferId: 'a', sql: 'drop table' } }, 10);
    expect(extra.error!.message).toContain('sql');
    const noteTooLong = await ask(ws, { id: 11, command: 'setNote', args: { note: '长'.repeat(4001) } }, 11);
    expect(noteTooLong.error!.message).toBe('setNote: args.note: a note is at most 4000 characters');
    expect(await ask(ws, { id: -5, command: 'snapshot', args: {} })).toMatchObject({ id: -1, ok: false, error: { code: 'bad-request' } });
    const failed = await ask(ws, { id: 12, command: 'acknowledgeReturned', args: { transferId: 'no-such' } }, 12);
    expect(failed).toMatchObject({ ok: false, error: { code: 'failed', message: 'acknowledgeReturned: no transfer no-such' } });
    expect(await ask(ws, { id: 13, command: 'stats', args: {} }, 13)).toMatchObject({ ok: true });
    ws.close();
  });

  it('closes a socket that sends an oversized frame (1009) and still serves others', async () => {
    const ws = await connected();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(JSON.stringify({ id: 1, command: 'setNote', args: { note: 'x'.repeat(100_000) } }));
    expect(await closed).toBe(1009);
    const other = await connected();
    expect(await ask(other, { id: 1, command: 'stats', args: {} }, 1)).toMatchObject({ ok: true });
    other.close();
  });
});

describe('closing the browser desk', () => {
  it('closes open sockets and stops listening', async () => {
    const dir = tempDir('fenliu-host-close-');
    const second = await startBrowserDesk({ desk, staticDir: dir });
    const ws = new WebSocket(`ws://127.0.0.1:${second.port}/desk?token=${second.token}`, { origin: `http://127.0.0.1:${second.port}` });
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await second.close();
    expect(await closed).toBe(1001);
    const refused = await new Promise<string>((resolve) => {
      request({ host: '127.0.0.1', port: second.port, path: '/' }).on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')).end();
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});
