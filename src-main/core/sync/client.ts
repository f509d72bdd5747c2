// The linkage API v1 as the desk uses it: one method per endpoint, every answer validated, every way an
// exchange can go wrong reduced to a Failure the engine knows how to wait for. Nothing here writes.
import { createHash } from 'node:crypto';
import type { Redactor } from './redact';
import { parseRetryAfter } from './backoff';
import { TransportError, type Transport, type TransportResponse } from './transport';
import { firstIssue, healthSchema, inboxPageSchema, pushResponseSchema, updatesPageSchema, type PushResult } from './schemas';
import { z } from 'zod';

export type Failure =
  /** 401/403: stop until the configuration changes or the credentials wait has passed. */
  | { kind: 'credentials'; status: number; message: string }
  /** 429/503: wait at least what the server asked. */
  | { kind: 'busy'; status: number; retryAfterMs: number | null; message: string; answered: boolean }
  /** Anything else: exponential backoff. `answered` tells whether an HTTP answer came at all. */
  | { kind: 'down'; message: string; answered: boolean }
  /** The engine is stopping. */
  | { kind: 'aborted' };

export type PushAnswer =
  | { kind: 'results'; results: PushResult[] }
  | { kind: 'too-large' }
  /** 400 without a results body: the batch as a whole was refused. */
  | { kind: 'bad-batch'; error: string }
  | Failure;

export type PageAnswer = { kind: 'page'; items: unknown[]; next: string } | Failure;
export type RulesAnswer =
  | { kind: 'unchanged' }
  /** 404: the county publishes no pack of its own (yet); the installed rules stay, and that is no fault. */
  | { kind: 'none' }
  | { kind: 'pack'; json: unknown; etag: string }
  | Failure;

export const CREDENTIALS_REFUSED = '上级平台拒绝本席位的凭据';

const LIMITS = { health: 64 * 1024, push: 4 * 1024 * 1024, page: 16 * 1024 * 1024, rules: 64 * 1024 * 1024 };

export interface ClientOptions {
  transport: Transport;
  baseUrl: string;
  token: string;
  deskId: string;
  timeoutMs: number;
  now: () => number;
  redact: Redactor;
}

export function isFailure(answer: { kind: string }): answer is Failure {
  return answer.kind === 'credentials' || answer.kind === 'busy' || answer.kind === 'down' || answer.kind === 'aborted';
}

export class UpstreamClient {
  private readonly base: string;

  constructor(private readonly options: ClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  async health(signal?: AbortSignal): Promise<{ kind: 'ok' } | Failure> {
    const res = await this.exchange('GET', '/v1/health', undefined, LIMITS.health, signal);
    if ('kind' in res) return res;
    if (res.status !== 200) return this.statusFailure(res, false);
    const parsed = parseJson(res.body, healthSchema);
    // The contract: any other answer means "not reachable now".
    if (!parsed.ok) return { kind: 'down', message: malformed('health', parsed.error), answered: false };
    return { kind: 'ok' };
  }

  async push(body: string, signal?: AbortSignal): Promise<PushAnswer> {
    const res = await this.exchange('POST', '/v1/transfers', body, LIMITS.push, signal);
    if ('kind' in res) return res;
    if (res.status === 200 || res.status === 400) {
      const parsed = parseJson(res.body, pushResponseSchema);
      if (parsed.ok) return { kind: 'results', results: parsed.value.results };
      if (res.status === 200) return { kind: 'down', message: malformed('transfers', parsed.error), answered: false };
      return { kind: 'bad-batch', error: this.errorText(res.body) };
    }
    if (res.status === 413) return { kind: 'too-large' };
    return this.statusFailure(res, true);
  }

  updates(after: string | null, limit: number, signal?: AbortSignal): Promise<PageAnswer> {
    return this.page('/v1/transfers/updates', 'updates', after, limit, signal);
  }

  inbox(after: string | null, limit: number, signal?: AbortSignal): Promise<PageAnswer> {
    return this.page('/v1/inbox', 'items', after, limit, signal);
  }

  async rules(etag: string | null, signal?: AbortSignal): Promise<RulesAnswer> {
    const res = await this.exchange('GET', '/v1/rules/current', undefined, LIMITS.rules, signal, etag ? { 'if-none-match': etag } : {});
    if ('kind' in res) return res;
    if (res.status === 304) return { kind: 'unchanged' };
    if (res.status === 404) return { kind: 'none' };
    if (res.status !== 200) return this.statusFailure(res, true);
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      return { kind: 'down', message: '上级平台的规则包不是有效的 JSON', answered: true };
    }
    // A server without ETags still gets conditional requests: the body's hash stands in for one.
    const tag = res.headers.etag ?? `"sha256-${createHash('sha256').update(res.body).digest('hex')}"`;
    return { kind: 'pack', json, etag: tag };
  }

  private async page(path: string, field: 'updates' | 'items', after: string | null, limit: number, signal?: AbortSignal): Promise<PageAnswer> {
    const query = new URLSearchParams();
    if (after !== null) query.set('after', after);
    query.set('limit', String(limit));
    const res = await this.exchange('GET', `${path}?${query.toString()}`, undefined, LIMITS.page, signal);
    if ('kind' in res) return res;
    if (res.status !== 200) return this.statusFailure(res, true);
    if (field === 'updates') {
      const parsed = parseJson(res.body, updatesPageSchema);
      if (!parsed.ok) return { kind: 'down', message: malformed('updates', parsed.error), answered: false };
      return { kind: 'page', items: parsed.value.updates, next: parsed.value.next };
    }
    const parsed = parseJson(res.body, inboxPageSchema);
    if (!parsed.ok) return { kind: 'down', message: malformed('inbox', parsed.error), answered: false };
    return { kind: 'page', items: parsed.value.items, next: parsed.value.next };
  }

  private async exchange(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    maxResponseBytes: number,
    signal: AbortSignal | undefined,
    extra: Record<string, string> = {},
  ): Promise<TransportResponse | Failure> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.token}`,
      'x-desk-id': this.options.deskId,
      accept: 'application/json',
      ...extra,
    };
    if (body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
    try {
      return await this.options.transport.send({ method, url: `${this.base}${path}`, headers, body, maxResponseBytes, signal });
    } catch (error) {
      const failure = error instanceof TransportError ? error : new TransportError('network', 'unknown');
      if (failure.kind === 'aborted') return { kind: 'aborted' };
      return { kind: 'down', message: this.options.redact.text(transportMessage(failure, this.options.timeoutMs)), answered: false };
    }
  }

  private statusFailure(res: TransportResponse, answeredOn4xx: boolean): Failure {
    const status = res.status;
    if (status === 401 || status === 403) return { kind: 'credentials', status, message: `${CREDENTIALS_REFUSED}（HTTP ${status}）` };
    if (status === 429 || status === 503) {
      return {
        kind: 'busy',
        status,
        retryAfterMs: parseRetryAfter(res.headers['retry-after'], this.options.now()),
        message: `上级平台繁忙（HTTP ${status}）`,
        answered: status === 429,
      };
    }
    if (status >= 500) return { kind: 'down', message: `上级平台暂时故障（HTTP ${status}）`, answered: false };
    return { kind: 'down', message: `上级平台拒绝了请求（HTTP ${status}）`, answered: answeredOn4xx };
  }

  /** The server's own words for a refused batch, short and without anything secret. */
  private errorText(body: string): string {
    let text = body.trim();
    try {
      const json = JSON.parse(body) as { error?: unknown; message?: unknown };
      if (typeof json.error === 'string') text = json.error;
      else if (typeof json.message === 'string') text = json.message;
    } catch {
      // Not JSON: the text itself.
    }
    text = text.replace(/\s+/g, ' ').slice(0, 300);
    return this.options.redact.text(text === '' ? '上级平台拒绝了这批记录（HTTP 400）' : `HTTP 400：${text}`);
  }
}

function parseJson<T>(body: string, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: firstIssue(parsed.error) };
}

function malformed(what: string, detail: string): string {
  return `上级平台的回复格式不对（${what}：${detail}）`;
}

export function transportMessage(error: TransportError, timeoutMs: number): string {
  switch (error.kind) {
    case 'timeout':
      return `上级平台无应答（${Math.round(timeoutMs / 1000)} 秒内未完成）`;
    case 'refused':
      return '无法连接上级平台（连接被拒绝）';
    case 'reset':
      return `与上级平台的连接中断（${error.code}）`;
    case 'tls':
      return `与上级平台的安全连接失败（${error.code}）`;
    case 'dns':
      return `找不到上级平台的地址（${error.code}）`;
    case 'too-large':
      return '上级平台的回复过大';
    default:
      return `网络错误（${error.code}）`;
  }
}
