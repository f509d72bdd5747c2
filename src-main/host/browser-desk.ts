// The browser desk: the built renderer and the Desk API over a WebSocket, on 127.0.0.1 only.
// Other pages and other hosts cannot drive the desk: HTTP requests must name this server in Host (no DNS
// rebinding), WebSocket upgrades must come from this origin and carry the per-start token.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { deskCommandSchemas, deskRequestSchema, type DeskCommandName, type DeskResponse } from '../api/contract';
import type { Desk } from '../core/desk';
import { serveStatic } from './static-files';

/** The part of the Desk this adapter uses. */
export type BrowserDeskTarget = Pick<Desk, 'execute' | 'onAny'>;

export interface BrowserDeskOptions {
  desk: BrowserDeskTarget;
  /** 0 (default): any free port. */
  port?: number;
  /** The built renderer (dist-renderer). */
  staticDir: string;
  /** Largest WebSocket message accepted; a note is at most 4000 characters (12 KB in UTF-8). */
  maxFrameBytes?: number;
}

export interface BrowserDesk {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

export const DESK_SOCKET_PATH = '/desk';
const MAX_CLIENTS = 16;

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // The token is in the address: never hand it on.
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function sameToken(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length + 1}\r\n\r\n${reason}\n`);
}

/** Parses one wire message and runs it; every failure is an answer, never a thrown error. */
export async function handleDeskMessage(desk: BrowserDeskTarget, data: RawData | string, isBinary = false): Promise<DeskResponse> {
  if (isBinary) return { id: -1, ok: false, error: { code: 'bad-request', message: 'messages are JSON text, not binary' } };
  let message: unknown;
  try {
    message = JSON.parse(typeof data === 'string' ? data : data.toString());
  } catch {
    return { id: -1, ok: false, error: { code: 'bad-request', message: 'the message is not valid JSON' } };
  }
  const rawId = (message as { id?: unknown } | null)?.id;
  const id = typeof rawId === 'number' && Number.isInteger(rawId) && rawId >= 0 ? rawId : -1;
  const request = deskRequestSchema.safeParse(message);
  if (!request.success) return { id, ok: false, error: { code: 'bad-request', message: describeIssue('', request.error.issues[0]) } };
  const command: DeskCommandName = request.data.command;
  const args = deskCommandSchemas[command].safeParse(request.data.args ?? {});
  if (!args.success) return { id, ok: false, error: { code: 'bad-request', message: `${command}: ${describeIssue('args', args.error.issues[0])}` } };
  try {
    const result = await desk.execute(command, args.data as never);
    return { id, ok: true, result };
  } catch (error) {
    return { id, ok: false, error: { code: 'failed', message: `${command}: ${(error as Error).message}` } };
  }
}

/** Closes politely, and for good if the other end does not answer within a second. */
function closeClient(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => ws.terminate(), 1000);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.close(1001, 'desk closing');
  });
}

function describeIssue(prefix: string, issue: { path: PropertyKey[]; message: string } | undefined): string {
  if (!issue) return 'invalid';
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

export async function startBrowserDesk(options: BrowserDeskOptions): Promise<BrowserDesk> {
  const { desk, staticDir } = options;
  const token = randomBytes(24).toString('base64url');
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();

  const server = createServer((req, res) => {
    if (!allowedHosts.has(req.headers.host ?? '')) {
      res.writeHead(403, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' }).end('this desk answers only to its own address\n');
      return;
    }
    serveStatic(staticDir, req, res, SECURITY_HEADERS);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? 64 * 1024 });
  const clients = new Set<WebSocket>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== DESK_SOCKET_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (!allowedHosts.has(req.headers.host ?? '')) return refuseUpgrade(socket, 403, 'Forbidden');
    if (!allowedOrigins.has(req.headers.origin ?? '')) return refuseUpgrade(socket, 403, 'Forbidden');
    if (!sameToken(url.searchParams.get('token'), token)) return refuseUpgrade(socket, 403, 'Forbidden');
    if (clients.size >= MAX_CLIENTS) return refuseUpgrade(socket, 503, 'Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('error', () => ws.terminate());
      ws.on('message', (data, isBinary) => {
        void handleDeskMessage(desk, data, isBinary).then((response) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(response));
        });
      });
    });
  });

  const unsubscribe = desk.onAny((event, payload) => {
    if (clients.size === 0) return;
    const text = JSON.stringify({ event, payload });
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    unsubscribe();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    port,
    close() {
      closing ??= (async () => {
        unsubscribe();
        await Promise.all([...clients].map((ws) => closeClient(ws)));
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
