// The desk's configuration: machine-wide file (IT) layered under the per-user file / --config, then flags.
// Every section is strict so that a typo in a field name is reported, not silently ignored.
import { z } from 'zod';
import { keysConfigSchema } from './sections/keys';
import { upstreamConfigSchema } from './sections/upstream';
import { rulesConfigSchema } from './sections/rules';

export const TARGET_CODES = ['110', 'civic', '119', '120', '122'] as const;
export const targetCodeSchema = z.enum(TARGET_CODES);

const targetSchema = z.strictObject({
  number: z.string().regex(/^[0-9]{3,8}$/, 'a phone number of 3 to 8 digits'),
  name: z.string().min(1).max(60),
});

export const localeSchema = z.enum(['zh-CN', 'zh-TW', 'en']);

export const deskConfigSchema = z.strictObject({
  /** Per-county numbers and names; the rules pack supplies defaults, this overrides them. */
  targets: z.partialRecord(targetCodeSchema, targetSchema).default({}),
  desk: z
    .strictObject({
      id: z.string().min(1).max(64).default('desk-local'),
      operatorId: z.string().min(1).max(64).default('operator'),
    })
    .prefault({}),
  /** How long a key-press transfer is held before sync may send it, and undo is possible. */
  undoWindowMs: z.number().int().min(0).max(60_000).default(5000),
  locale: localeSchema.default('zh-CN'),
  rules: rulesConfigSchema.prefault({}),
  keys: keysConfigSchema.prefault({}),
  upstream: upstreamConfigSchema.prefault({}),
  ui: z
    .strictObject({
      alwaysOnTop: z.boolean().default(false),
      startAtLogin: z.boolean().default(false),
    })
    .prefault({}),
  logging: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    })
    .prefault({}),
});

export type DeskConfig = z.infer<typeof deskConfigSchema>;
export type DeskConfigInput = z.input<typeof deskConfigSchema>;
export type TargetCode = z.infer<typeof targetCodeSchema>;
export type Locale = z.infer<typeof localeSchema>;
