/**
 * A test double of the county linkage platform (shared/upstream-api.md, API v1) on 127.0.0.1, with fault
 * injection. Used by the sync tests, by `npm run upstream:dev` (dev.ts) and by the screen's end-to-end tests.
 *
 *   const up = await startUpstream({ token: 'dev-token', autoReceive: true });
 *   up.url                       base URL to configure as upstream.url, e.g. http://127.0.0.1:40123/api
 *   up.token                     the bearer token it accepts (random when not given)
 *   up.stored()                  transfers stored, in arrival order; each id exactly once
 *   up.counts()                  { created, duplicates, invalid, batches, refusedBatches, tooLarge }
 *   up.advance(id, 'accepted', { dueAt })     adds a status update (at/by filled in); also pushUpdate({...})
 *   up.pushInbox({ summary })    adds an inbox item (civic → police)
 *   up.setRules(pack)            the body of rules/current; its ETag is a hash of it (null: 404)
 *   up.setFaults({ rate: 0.3, kinds: ['error-500', 'drop', …], seed: 7 })   random faults on every request
 *   up.queueFaults('lost-ack', 'busy-503')   one-shot faults for the next requests, in order
 *   up.queueFaultsOn('push', 'lost-ack')     the same for the next requests to one endpoint
 *   up.requests()                log of { at, method, path, outcome, records }
 *   await up.stop()
 *
 * Options: token, port, tls { key, cert, ca?, requestCert? } (HTTPS; with requestCert the client must present a
 * certificate signed by `ca`), deskIds (accepted X-Desk-Id values; default any), autoReceive (each new
 * transfer gets a `received` update), maxRecords / maxBytes (413 above them; default the contract's 200 / 1 MiB),
 * invalid(record) → error text or null (per-record `invalid`), refuseWholeBatch (400 without results instead),
 * faults, retryAfter (header value for 429/503, default "1"), delayMs / slowMs, latencyMs (every request),
 * afterStore (hook between storing a batch and answering), log (print each request).
 *
 * Fault kinds: delay (answer after delayMs — a POST is still stored), error-500, error-502, busy-429, busy-503
 * (with Retry-After), drop (connection closed before anything is done), lost-ack (the request is carried out,
 * then the connection is closed before the answer), malformed (200 with a broken body), slow-body (headers, then
 * the body dribbles for slowMs), huge-body (200 with 20 MiB), refuse-credentials (401), repeat-updates (an
 * updates page with every item twice and a cursor that does not advance: served again next time).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import { z } from 'zod';
import { seededRandom } from '../seeded-random';

export const FAULT_KINDS = [
  'delay', 'error-500', 'error-502', 'busy-429', 'busy-503', 'drop', 'lost-ack', 'malformed', 'slow-body', 'huge-body',
  'refuse-credentials', 'repeat-updates',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export type Endpoint = 'push' | 'updates' | 'inbox' | 'rules' | 'health';

export interface FaultOptions {
  /** Probability (0…1) that a request meets one of `kinds`. */
  rate: number;
  kinds: FaultKind[];
  /** Seed of the fault dice, so a failing run can be repeated. */
  seed?: number;
  /** Endpoints the random faults apply to (default all). */
  endpoints?: Endpoint[];
}

export interface UpstreamTransfer {
  id: string;
  callId: string;
  deskId: string;
  operatorId: string;
  callerNumber: string | null;
  callStartedAt: string;
  transferredAt: string;
  target: 'civic' | '119' | '120' | '122';
  targetNumber: string;
  category: string;
  redFlag: boolean;
  override: { reason: string; by: string } | null;
  trigger: 'hid-key' | 'keyboard' | 'screen';
  note: string;
  rulesVersion: string;
  matchedTerms: string[];
}

export interface UpdateInput {
  transferId: string;
  status: 'received' | 'accepted' | 'resolved' | 'returned';
  at?: string;
  by?: string;
  dueAt?: string;
  comment?: string;
}

export interface InboxInput {
  id?: string;
  from?: string;
  receivedAt?: string;
  callerNumber?: string | null;
  summary: string;
  category?: string | null;
}

export interface RequestLog {
  at: number;
  method: string;
  path: string;
  endpoint: Endpoint | 'other';
  /** HTTP status answered, or the fault met. */
  outcome: number | FaultKind;
  records?: number;
}

export interface UpstreamOptions {
  token?: string;
  port?: number;
  tls?: { key: string | Buffer; cert: string | Buffer; ca?: string | Buffer; requestCert?: boolean };
  deskIds?: string[];
  autoReceive?: boolean;
  maxRecords?: number;
  maxBytes?: number;
  invalid?: (record: UpstreamTransfer) => string | null;
  refuseWholeBatch?: boolean;
  faults?: FaultOptions;
  retryAfter?: string;
  delayMs?: number;
  slowMs?: number;
  rules?: unknown;
  /** Added to every request (pacing, e.g. to kill a desk mid-sync). */
  latencyMs?: number;
  /** Called after a batch was stored and before the answer goes out (e.g. to kill the desk right then). */
  afterStore?: (stored: { ids: string[]; batch: number }) => void | Promise<void>;
  log?: (line: string) => void;
}

export interface Upstream {
  url: string;
  token: string;
  stored(): UpstreamTransfer[];
  counts(): { created: number; duplicates: number; invalid: number; batches: number; refusedBatches: number; tooLarge: number };
  pushUpdate(update: UpdateInput): void;
  advance(transferId: string, status: UpdateInput['status'], extra?: Omit<UpdateInput, 'transferId' | 'status'>): void;
  updates(): UpdateInput[];
  pushInbox(item: InboxInput): string;
  setRules(pack: unknown): string | null;
  setFaults(faults: FaultOptions | null): void;
  queueFaults(...kinds: FaultKind[]): void;
  /** One-shot faults for the next requests to one endpoint. */
  queueFaultsOn(endpoint: Endpoint, ...kinds: FaultKind[]): void;
  setRefuseCredentials(refuse: boolean): void;
  requests(): RequestLog[];
  clearRequests(): void;
  /** Forgets every stored transfer and update (bench: the same server, a fresh run). */
  reset(): void;
  stop(): Promise<void>;
}

const timestamp = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, 'not a timestamp');
const transferSchema = z.strictObject({
  id: z.string().min(1).max(128),
  callId: z.string().min(1).max(128),
  deskId: z.string().min(1).max(64),
  operatorId: z.string().min(1).max(64),
  callerNumber: z.string().max(64).nullable(),
  callStartedAt: timestamp,
  transferredAt: timestamp,
  target: z.enum(['civic', '119', '120', '122']),
  targetNumber: z.string().min(1).max(16),
  category: z.string().min(1).max(128),
  redFlag: z.boolean(),
  override: z.strictObject({ reason: z.string().min(1), by: z.string().min(1) }).nullable(),
  trigger: z.enum(['hid-key', 'keyboard', 'screen']),
  note: z.string().max(4000),
  rulesVersion: z.string().min(1),
  matchedTerms: z.array(z.string()),
});

export { seededRandom } from '../seeded-random';

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

export async function startUpstream(options: UpstreamOptions = {}): Promise<Upstream> {
  const token = options.token ?? randomBytes(18).toString('base64url');
  const maxRecords = options.maxRecords ?? 200;
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const transfers = new Map<string, UpstreamTransfer>();
  let order: UpstreamTransfer[] = [];
  let updates: Required<Pick<UpdateInput, 'transferId' | 'status' | 'at' | 'by'>>[] & UpdateInput[] = [];
  const inbox: Required<InboxInput>[] = [];
  let rules: { body: string; etag: string } | null = null;
  let faults = options.faults ?? null;
  let dice = seededRandom(faults?.seed ?? 1);
  const queued: FaultKind[] = [];
  const queuedOn = new Map<Endpoint, FaultKind[]>();
  let refuseCredentials = false;
  let log: RequestLog[] = [];
  const counts = { created: 0, duplicates: 0, invalid: 0, batches: 0, refusedBatches: 0, tooLarge: 0 };
  const sockets = new Set<Socket>();

  const setRules = (pack: unknown): string | null => {
    if (pack === null || pack === undefined) {
      rules = null;
      return null;
    }
    const body = JSON.stringify(pack);
    rules = { body, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 24)}"` };
    return rules.etag;
  };
  setRules(options.rules);

  const pushUpdate = (u: UpdateInput) => {
    updates.push({ by: '24365市民服务平台', at: rfc3339(Date.now()), ...u } as (typeof updates)[number]);
  };

  function pickFault(endpoint: Endpoint): FaultKind | null {
    const next = queuedOn.get(endpoint)?.shift() ?? queued.shift();
    if (next) return next;
    if (!faults || faults.rate <= 0 || faults.kinds.length === 0) return null;
    if (faults.endpoints && !faults.endpoints.includes(endpoint)) return null;
    if (dice() >= faults.rate) return null;
    return faults.kinds[Math.floor(dice() * faults.kinds.length)] ?? null;
  }

  function endpointOf(method: string, path: string): Endpoint | 'other' {
    if (method === 'POST' && path === '/api/v1/transfers') return 'push';
    if (method === 'GET' && path === '/api/v1/transfers/updates') return 'updates';
    if (method === 'GET' && path === '/api/v1/inbox') return 'inbox';
    if (method === 'GET' && path === '/api/v1/rules/current') return 'rules';
    if (method === 'GET' && path === '/api/v1/health') return 'health';
    return 'other';
  }

  function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let over = false;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) over = true;
        else chunks.push(chunk);
      });
      req.on('end', () => resolve(over ? null : Buffer.concat(chunks)));
      req.on('error', reject);
    });
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(text);
  }

  /** Carries out a request; returns the answer to give (or already gave it for 304 etc.). */
  async function handle(endpoint: Endpoint | 'other', req: IncomingMessage, url: URL, entry: RequestLog, repeat: boolean): Promise<{ status: number; body?: unknown; headers?: Record<string, string> }> {
    switch (endpoint) {
      case 'health':
        return { status: 200, body: { ok: true } };
      case 'push': {
        const raw = await readBody(req, Math.max(maxBytes, 8 * 1024 * 1024));
        if (raw === null || raw.length > maxBytes) {
          counts.tooLarge += 1;
          return { status: 413, body: { error: `batch over ${maxBytes} bytes` } };
        }
        let json: unknown;
        try {
          json = JSON.parse(raw.toString('utf8'));
        } catch {
          counts.refusedBatches += 1;
          return { status: 400, body: { error: 'body is not JSON' } };
        }
        const envelope = z.object({ deskId: z.string().min(1), records: z.array(z.unknown()) }).safeParse(json);
        if (!envelope.success) {
          counts.refusedBatches += 1;
          return { status: 400, body: { error: 'expected { deskId, records: [...] }' } };
        }
        const records = envelope.data.records;
        entry.records = records.length;
        if (records.length > maxRecords) {
          counts.tooLarge += 1;
          return { status: 413, body: { error: `at most ${maxRecords} records per batch` } };
        }
        const checked = records.map((record) => {
          const parsed = transferSchema.safeParse(record);
          if (!parsed.success) {
            const issue = parsed.error.issues[0]!;
            return { record: null, id: String((record as { id?: unknown })?.id ?? ''), error: `${issue.path.join('.')}: ${issue.message}` };
          }
          const extra = options.invalid?.(parsed.data) ?? null;
          return { record: extra ? null : parsed.data, id: parsed.data.id, error: extra };
        });
        if (options.refuseWholeBatch && checked.some((c) => c.record === null)) {
          counts.refusedBatches += 1;
          return { status: 400, body: { error: 'the batch holds an invalid record' } };
        }
        counts.batches += 1;
        const results = checked.map((c) => {
          if (!c.record) {
            counts.invalid += 1;
            return { id: c.id, status: 'invalid', error: c.error ?? 'invalid' };
          }
          if (transfers.has(c.id)) {
            counts.duplicates += 1;
            return { id: c.id, status: 'duplicate' };
          }
          transfers.set(c.id, c.record);
          order.push(c.record);
          counts.created += 1;
          if (options.autoReceive) pushUpdate({ transferId: c.id, status: 'received' });
          return { id: c.id, status: 'created' };
        });
        await options.afterStore?.({ ids: results.filter((r) => r.status === 'created').map((r) => r.id), batch: counts.batches });
        return { status: 200, body: { results } };
      }
      case 'updates':
      case 'inbox': {
        const list: unknown[] = endpoint === 'updates' ? updates : inbox;
        const after = url.searchParams.get('after');
        const start = after === null ? 0 : /^c-\d+$/.test(after) ? Number(after.slice(2)) : Number.NaN;
        if (!Number.isInteger(start) || start < 0 || start > list.length) return { status: 400, body: { error: 'bad cursor' } };
        const limit = Math.min(500, Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100));
        const page = list.slice(start, start + limit);
        if (endpoint === 'updates' && repeat) {
          return { status: 200, body: { updates: [...page, ...page], next: after ?? 'c-0' } };
        }
        const next = `c-${start + page.length}`;
        return { status: 200, body: endpoint === 'updates' ? { updates: page, next } : { items: page, next } };
      }
      case 'rules': {
        if (!rules) return { status: 404, body: { error: 'no rules pack published' } };
        if (req.headers['if-none-match'] === rules.etag) return { status: 304, headers: { etag: rules.etag } };
        return { status: 200, body: JSON.parse(rules.body), headers: { etag: rules.etag } };
      }
      default:
        return { status: 404, body: { error: 'no such endpoint' } };
    }
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = req.method ?? 'GET';
      const endpoint = endpointOf(method, url.pathname);
      const entry: RequestLog = { at: Date.now(), method, path: `${url.pathname}${url.search}`, endpoint, outcome: 0 };
      log.push(entry);
      const fault = endpoint === 'other' ? null : pickFault(endpoint);
      const authorized = req.headers.authorization === `Bearer ${token}` && typeof req.headers['x-desk-id'] === 'string' &&
        (!options.deskIds || options.deskIds.includes(req.headers['x-desk-id']));
      options.log?.(`${method} ${entry.path}${fault ? ` [fault ${fault}]` : ''}`);
      if (fault === 'drop') {
        entry.outcome = fault;
        req.socket.destroy();
        return;
      }
      if (fault === 'refuse-credentials' || refuseCredentials || !authorized) {
        entry.outcome = fault ?? 401;
        req.resume();
        return send(res, 401, { error: 'unknown desk or bad token' });
      }
      if (fault === 'error-500' || fault === 'error-502') {
        entry.outcome = fault;
        req.resume();
        return send(res, fault === 'error-500' ? 500 : 502, { error: 'internal error' });
      }
      if (fault === 'busy-429' || fault === 'busy-503') {
        entry.outcome = fault;
        req.resume();
        return send(res, fault === 'busy-429' ? 429 : 503, { error: 'busy' }, { 'retry-after': options.retryAfter ?? '1' });
      }
      if (fault === 'malformed') {
        entry.outcome = fault;
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{"results": [{"id": 1, "status": "maybe"}], "updates": 7, "items": "no", "ok": "yes"');
      }
      if (fault === 'huge-body') {
        entry.outcome = fault;
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        for (let i = 0; i < 20; i += 1) res.write(chunk);
        return res.end('{}');
      }
      if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
      if (fault === 'delay') await new Promise((r) => setTimeout(r, options.delayMs ?? 2000));
      const answer = await handle(endpoint, req, url, entry, fault === 'repeat-updates');
      entry.outcome = fault === 'lost-ack' || fault === 'slow-body' ? fault : answer.status;
      if (fault === 'lost-ack') {
        req.socket.destroy();
        return;
      }
      if (res.destroyed || req.socket.destroyed) return;
      if (fault === 'slow-body') {
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        const text = JSON.stringify(answer.body ?? {});
        res.write(text.slice(0, 1));
        await new Promise((r) => setTimeout(r, options.slowMs ?? 3000));
        if (!res.destroyed) res.end(text.slice(1));
        return;
      }
      if (answer.status === 304) {
        res.writeHead(304, answer.headers);
        return res.end();
      }
      send(res, answer.status, answer.body, answer.headers);
    })().catch((error: unknown) => {
      options.log?.(`handler failed: ${String(error)}`);
      if (!res.headersSent) send(res, 500, { error: 'test server failed' });
      else res.destroy();
    });
  };

  const server: Server = options.tls
    ? createHttpsServer(
        {
          key: options.tls.key,
          cert: options.tls.cert,
          ca: options.tls.ca,
          requestCert: options.tls.requestCert ?? false,
          rejectUnauthorized: options.tls.requestCert ?? false,
        },
        onRequest,
      )
    : createHttpServer(onRequest);
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/api`,
    token,
    stored: () => [...order],
    counts: () => ({ ...counts }),
    pushUpdate,
    advance: (transferId, status, extra = {}) => pushUpdate({ transferId, status, ...extra }),
    updates: () => [...updates],
    pushInbox: (item) => {
      const id = item.id ?? randomUUID();
      inbox.push({ id, from: '24365', receivedAt: rfc3339(Date.now()), callerNumber: null, category: null, ...item });
      return id;
    },
    setRules,
    setFaults: (next) => {
      faults = next;
      dice = seededRandom(next?.seed ?? 1);
    },
    queueFaults: (...kinds) => queued.push(...kinds),
    queueFaultsOn: (endpoint, ...kinds) => queuedOn.set(endpoint, [...(queuedOn.get(endpoint) ?? []), ...kinds]),
    setRefuseCredentials: (refuse) => {
      refuseCredentials = refuse;
    },
    requests: () => [...log],
    clearRequests: () => {
      log = [];
    },
    reset: () => {
      transfers.clear();
      order = [];
      updates = [];
      log = [];
      for (const key of Object.keys(counts) as (keyof typeof counts)[]) counts[key] = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
