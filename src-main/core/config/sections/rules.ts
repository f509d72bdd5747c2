import { z } from 'zod';

const RAW_ED25519_BASE64 = /^[A-Za-z0-9+/]{43}=$/;
const SPKI_PEM = /^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/;

export const rulesConfigSchema = z.strictObject({
  /** Ed25519 public keys (SPKI PEM or base64 of the raw 32 bytes) whose signatures on rules packs are trusted. */
  trustedKeys: z
    .array(
      z.strictObject({
        id: z.string().min(1).max(64),
        publicKey: z
          .string()
          .trim()
          .refine((k) => RAW_ED25519_BASE64.test(k) || SPKI_PEM.test(k), 'an SPKI PEM public key, or base64 of the raw 32-byte Ed25519 key'),
      }),
    )
    .refine((keys) => new Set(keys.map((k) => k.id)).size === keys.length, 'each key id only once')
    .default([]),
});
