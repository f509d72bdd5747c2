import { z } from 'zod';

export const upstreamConfigSchema = z.strictObject({
  /** Base URL of the linkage API, e.g. https://linkage.example-county.gov.cn/api. Unset: the desk stays offline. */
  url: z.url({ protocol: /^https?$/ }).optional(),
  token: z.string().min(1).optional(),
  caFile: z.string().min(1).optional(),
  clientCert: z
    .union([
      z.strictObject({ pfxFile: z.string().min(1), passphrase: z.string().optional() }),
      z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1), passphrase: z.string().optional() }),
    ])
    .optional(),
  timeoutMs: z.number().int().min(500).max(120_000).default(15_000),
  intervalMs: z.number().int().min(500).max(3_600_000).default(5_000),
});
