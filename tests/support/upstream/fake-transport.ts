// A scripted Transport for engine tests on a fake clock: no sockets, answers decided by the test, every request
// recorded with the clock's time.
import type { Transport, TransportRequest, TransportResponse } from '../../../src-main/core/sync';
import { TransportError } from '../../../src-main/core/sync';

export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export type Answer = TransportResponse | TransportError | Promise<TransportResponse>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): TransportResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? '' : JSON.stringify(body) };
}

/** What a healthy upstream with nothing new says to each endpoint; push answers `created` for every record. */
export function healthyAnswer(req: TransportRequest): TransportResponse {
  const path = new URL(req.url).pathname;
  if (path.endsWith('/v1/health')) return json(200, { ok: true });
  if (path.endsWith('/v1/transfers') && req.method === 'POST') {
    const body = JSON.parse(req.body ?? '{}') as { records: { id: string }[] };
    return json(200, { results: body.records.map((r) => ({ id: r.id, status: 'created' })) });
  }
  const after = new URL(req.url).searchParams.get('after') ?? 'c-0';
  if (path.endsWith('/v1/transfers/updates')) return json(200, { updates: [], next: after });
  if (path.endsWith('/v1/inbox')) return json(200, { items: [], next: after });
  if (path.endsWith('/v1/rules/current')) return json(304, undefined);
  return json(404, { error: 'no such endpoint' });
}

export class FakeTransport implements Transport {
  readonly log: RecordedRequest[] = [];
  closed = false;

  constructor(
    private readonly now: () => number,
    public answer: (req: TransportRequest) => Answer = healthyAnswer,
  ) {}

  async send(req: TransportRequest): Promise<TransportResponse> {
    const url = new URL(req.url);
    this.log.push({ at: this.now(), method: req.method, path: url.pathname + url.search, headers: req.headers, body: req.body });
    const answer = await this.answer(req);
    if (answer instanceof TransportError) throw answer;
    return answer;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  paths(): string[] {
    return this.log.map((r) => `${r.method} ${r.path.replace(/\?.*$/, '')}`);
  }
}
