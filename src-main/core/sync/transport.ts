// One HTTP exchange with the upstream, and nothing more: a whole-request deadline (connect, headers and a slow
// body all count), a cap on the response size, and failures reduced to a kind plus an error code. Raw error text
// is not passed on (it could quote a URL or header); the engine turns kinds into the messages a desk shows.
import { Agent, request } from 'undici';
import type { TlsConnectOptions } from './tls';

export interface TransportRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** A body larger than this is a failure (`too-large`), read no further. */
  maxResponseBytes: number;
  /** Aborts the exchange (the engine is stopping). */
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

export type TransportFailure = 'timeout' | 'refused' | 'reset' | 'tls' | 'dns' | 'too-large' | 'aborted' | 'network';

export class TransportError extends Error {
  constructor(
    readonly kind: TransportFailure,
    /** The error code (ECONNRESET, CERT_HAS_EXPIRED, …) or a short word; never a message text. */
    readonly code: string,
  ) {
    super(`${kind} (${code})`);
  }
}

export interface Transport {
  send(req: TransportRequest): Promise<TransportResponse>;
  close(): Promise<void>;
}

export interface HttpTransportOptions {
  timeoutMs: number;
  tls?: TlsConnectOptions;
}

export function createHttpTransport(options: HttpTransportOptions): Transport {
  const agent = new Agent({
    connect: { ...options.tls, timeout: options.timeoutMs, rejectUnauthorized: true },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 4_000,
    connections: 4,
  });
  return {
    async send(req) {
      const deadline = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        deadline.abort();
      }, options.timeoutMs);
      const onStop = () => deadline.abort();
      if (req.signal?.aborted) deadline.abort();
      else req.signal?.addEventListener('abort', onStop, { once: true });
      try {
        const res = await request(req.url, {
          dispatcher: agent,
          method: req.method,
          headers: req.headers,
          body: req.body,
          signal: deadline.signal,
        });
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > req.maxResponseBytes) {
            res.body.destroy();
            throw new TransportError('too-large', `over ${req.maxResponseBytes} bytes`);
          }
          chunks.push(chunk);
        }
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
        }
        return { status: res.statusCode, headers, body: Buffer.concat(chunks).toString('utf8') };
      } catch (error) {
        if (error instanceof TransportError) throw error;
        if (timedOut) throw new TransportError('timeout', `no complete answer within ${options.timeoutMs} ms`);
        if (req.signal?.aborted) throw new TransportError('aborted', 'stopped');
        throw classifyNetworkError(error);
      } finally {
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onStop);
      }
    },
    async close() {
      await agent.destroy().catch(() => undefined);
    },
  };
}

/** Node's TLS errors and OpenSSL's certificate verification codes (UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED, …). */
const TLS_CODE = /CERT|SSL|TLS|EPROTO|HANDSHAKE|^UNABLE_TO_|^INVALID_CA$|^INVALID_PURPOSE$|^PATH_LENGTH_EXCEEDED$|^HOSTNAME_MISMATCH$|CRL/i;

/** Reduces a network error (possibly wrapped by undici in `cause`) to a kind and its code. */
export function classifyNetworkError(error: unknown): TransportError {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  const tlsCode = codes.find((c) => TLS_CODE.test(c));
  if (tlsCode) return new TransportError('tls', tlsCode);
  const has = (...wanted: string[]) => codes.find((c) => wanted.includes(c));
  let code: string | undefined;
  if ((code = has('ECONNREFUSED'))) return new TransportError('refused', code);
  if ((code = has('ENOTFOUND', 'EAI_AGAIN'))) return new TransportError('dns', code);
  if ((code = has('UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT'))) return new TransportError('timeout', code);
  if ((code = has('ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED'))) return new TransportError('reset', code);
  return new TransportError('network', codes[0] ?? (error instanceof Error ? error.name : 'unknown'));
}
