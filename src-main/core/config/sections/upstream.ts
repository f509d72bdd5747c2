import { z } from 'zod';

// The county linkage platform this desk syncs with (shared/upstream-api.md). The token and passphrases are
// secrets: they are never logged or shown (core/sync redacts them); in Electron the token comes from safeStorage.
const headerSafe = /^[\x21-\x7e]+$/;

export const upstreamConfigSchema = z.strictObject({
  /** Base URL of the linkage API, e.g. https://linkage.example-county.gov.cn/api. Unset: the desk stays offline. */
  url: z
    .url({ protocol: /^https?$/, error: 'an http(s) URL, e.g. https://linkage.example-county.gov.cn/api' })
    .refine((u) => !URL.canParse(u) || (new URL(u).username === '' && new URL(u).password === ''), {
      error: 'must not carry a user name or password (put the token in upstream.token)',
      abort: true,
    })
    .refine((u) => !URL.canParse(u) || (new URL(u).search === '' && new URL(u).hash === ''), 'must not carry a query or fragment')
    .optional(),
  /** The desk's bearer token. Printable ASCII only: it goes into an HTTP header as is. */
  token: z.string().min(1).max(4096).regex(headerSafe, 'printable ASCII without spaces').optional(),
  /** Extra trusted CA (PEM), besides the system store. */
  caFile: z.string().min(1).optional(),
  clientCert: z
    .union([
      z.strictObject({ pfxFile: z.string().min(1), passphrase: z.string().optional() }),
      z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1), passphrase: z.string().optional() }),
    ])
    .optional(),
  /** Whole-request deadline (connect, headers, body). */
  timeoutMs: z.number().int().min(500).max(120_000).default(15_000),
  /** Pause between sync rounds while everything works. */
  intervalMs: z.number().int().min(500).max(3_600_000).default(5_000),
  /** How often the county rules pack is asked for (ETag: an unchanged pack costs one small request). */
  rulesIntervalMs: z.number().int().min(10_000).max(86_400_000).default(600_000),
});

export type UpstreamConfig = z.infer<typeof upstreamConfigSchema>;
