import { z } from 'zod';

export const rulesConfigSchema = z.strictObject({
  /** Ed25519 public keys (SPKI PEM or base64 of the raw 32 bytes) whose signatures on rules packs are trusted. */
  trustedKeys: z
    .array(z.strictObject({ id: z.string().min(1).max(64), publicKey: z.string().min(1) }))
    .default([]),
});
