// The rules pack: a versioned JSON document (docs/rules-pack.md). Strict objects and no defaults, so the
// parsed pack is the document itself and its canonical bytes (what the signature covers) do not depend on
// the version of this schema that read it.
import { z } from 'zod';

export const PACK_FORMAT = 'fenliu.rules-pack';
export const PACK_FORMAT_VERSION = 1;

const TARGETS = ['110', 'civic', '119', '120', '122'] as const;
const targetCode = z.enum(TARGETS);
/** A red flag never goes to the civic platform. */
const redFlagTarget = z.enum(['110', '119', '120', '122']);

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,79}$/, 'lower-case letters, digits, ".", "_" or "-" (at most 80)');
const phrase = z.string().min(1, 'an empty phrase').max(64, 'a phrase of at most 64 characters');
const phrases = z.array(phrase).min(1, 'at least one phrase');
const displayName = z.string().min(1).max(80);
/** Names in the other languages of the desk; Simplified Chinese is the field itself. */
const names = z.strictObject({ 'zh-TW': displayName.optional(), en: displayName.optional() });
/**
 * Two phrases close to each other: some phrase of `a` and some phrase of `b` at most `window` characters apart
 * (normalized text), `a` first unless `ordered` is false. Covers "喝醉了还在开车" without listing every wording.
 */
const nearSchema = z.strictObject({
  a: phrases,
  b: phrases,
  window: z.number().int().min(0).max(30),
  ordered: z.boolean().optional(),
});
const hasPhrasesOrNear = (r: { phrases?: unknown[] | undefined; near?: unknown[] | undefined }) =>
  (r.phrases?.length ?? 0) + (r.near?.length ?? 0) > 0;
const categoryCode = z
  .string()
  .regex(/^(110|civic|119|120|122)\.[a-z0-9][a-z0-9-]{0,40}$/, '"<target>.<name>", e.g. "civic.noise"');

export const packTargetSchema = z.strictObject({
  code: targetCode,
  number: z.string().regex(/^[0-9]{3,8}$/, 'a phone number of 3 to 8 digits'),
  name: displayName,
  names: names.optional(),
});

export const packCategorySchema = z.strictObject({
  code: categoryCode,
  name: displayName,
  names: names.optional(),
});

export const phraseRuleSchema = z
  .strictObject({
    id,
    category: categoryCode,
    /** Added to the category's score once per distinct phrase (or near pair) found. */
    weight: z.number().int().min(1).max(100),
    phrases: phrases.optional(),
    near: z.array(nearSchema).min(1).optional(),
  })
  .refine(hasPhrasesOrNear, { message: 'needs "phrases" or "near"', path: ['phrases'] });

export const redFlagRuleSchema = z
  .strictObject({
    code: id,
    label: displayName,
    labels: names.optional(),
    target: redFlagTarget,
    category: categoryCode,
    /** When several red flags are raised, the highest priority decides the target. */
    priority: z.number().int().min(0).max(1000),
    phrases: phrases.optional(),
    near: z.array(nearSchema).min(1).optional(),
  })
  .refine(hasPhrasesOrNear, { message: 'needs "phrases" or "near"', path: ['phrases'] });

export const contextRuleSchema = z
  .strictObject({
    id,
    /**
     * cancel: the selected matches do not count; turn: they do not count and `turnTo` gets the weight;
     * protect: the selected matches cannot be cancelled (e.g. "有没有人受伤" is a question, not a negation).
     */
    effect: z.enum(['cancel', 'turn', 'protect']),
    cues: phrases,
    /**
     * Which matches the cue acts on; several fields narrow the selection together. With `phrases`, only plain
     * phrase matches are selected (a near pair such as 拿着…菜刀 is never cancelled by a phrase-level rule).
     */
    appliesTo: z
      .strictObject({
        redFlags: z.array(id).min(1).optional(),
        categories: z.array(categoryCode).min(1).optional(),
        phrases: z.array(phrase).min(1).optional(),
      })
      .refine((a) => a.redFlags || a.categories || a.phrases, 'name redFlags, categories or phrases'),
    /**
     * Where the cue must be relative to the match: overlapping it or within `window` characters
     * (normalized text) before it, after it, on either side, or anywhere in the note.
     */
    side: z.enum(['before', 'after', 'either', 'note']).optional(),
    window: z.number().int().min(0).max(100).optional(),
    turnTo: z.strictObject({ category: categoryCode, weight: z.number().int().min(1).max(100) }).optional(),
  })
  .refine((c) => (c.effect === 'turn') === (c.turnTo !== undefined), {
    message: '"turnTo" is required for effect "turn" and only allowed there',
    path: ['turnTo'],
  });

export const signatureSchema = z.strictObject({
  algorithm: z.literal('ed25519'),
  keyId: z.string().min(1).max(64),
  /** Base64 of the 64-byte Ed25519 signature over the canonical bytes (pack without `signature`). */
  value: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'base64 of a 64-byte Ed25519 signature'),
});

export const rulesPackSchema = z.strictObject({
  format: z.literal(PACK_FORMAT),
  formatVersion: z.literal(PACK_FORMAT_VERSION),
  id,
  version: z.string().regex(/^[0-9]{1,9}(\.[0-9]{1,9}){0,3}$/, 'dotted numbers, e.g. "2025.6.1"'),
  name: displayName,
  description: z.string().max(2000).optional(),
  createdAt: z.string().max(40).optional(),
  targets: z.array(packTargetSchema).length(TARGETS.length, `exactly the ${TARGETS.length} targets ${TARGETS.join(', ')}`),
  categories: z.array(packCategorySchema).min(1),
  rules: z.array(phraseRuleSchema),
  redFlags: z.array(redFlagRuleSchema).min(1, 'at least one red flag'),
  context: z.array(contextRuleSchema),
  signature: signatureSchema.optional(),
});

export type RulesPack = z.infer<typeof rulesPackSchema>;
export type PackTarget = z.infer<typeof packTargetSchema>;
export type PackCategory = z.infer<typeof packCategorySchema>;
export type PhraseRule = z.infer<typeof phraseRuleSchema>;
export type RedFlagRule = z.infer<typeof redFlagRuleSchema>;
export type ContextRule = z.infer<typeof contextRuleSchema>;
export type NearPair = z.infer<typeof nearSchema>;
export type PackSignature = z.infer<typeof signatureSchema>;

/** A pack that is not one, or is inconsistent. The message names where and which field. */
export class PackError extends Error {}

function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(top level)';
}

/** Validates shape, then cross references: categories named by rules exist, ids are unique, … */
export function parsePack(json: unknown, where: string): RulesPack {
  const result = rulesPackSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new PackError(`${where}: ${fieldPath(issue.path)}: ${issue.message}`);
  }
  const pack = result.data;
  const fail = (field: string, message: string): never => {
    throw new PackError(`${where}: ${field}: ${message}`);
  };

  const targetCodes = new Set<string>();
  pack.targets.forEach((t, i) => {
    if (targetCodes.has(t.code)) fail(`targets[${i}].code`, `target "${t.code}" is listed twice`);
    targetCodes.add(t.code);
  });

  const categories = new Set<string>();
  pack.categories.forEach((c, i) => {
    if (categories.has(c.code)) fail(`categories[${i}].code`, `category "${c.code}" is listed twice`);
    categories.add(c.code);
  });
  const knownCategory = (field: string, code: string) => {
    if (!categories.has(code)) fail(field, `unknown category "${code}" (not in "categories")`);
  };

  const ids = new Map<string, string>();
  const uniqueId = (field: string, value: string) => {
    const seen = ids.get(value);
    if (seen) fail(field, `id "${value}" is already used by ${seen}`);
    ids.set(value, field);
  };

  pack.rules.forEach((r, i) => {
    uniqueId(`rules[${i}].id`, r.id);
    knownCategory(`rules[${i}].category`, r.category);
  });
  const redFlagCodes = new Set<string>();
  pack.redFlags.forEach((f, i) => {
    uniqueId(`redFlags[${i}].code`, f.code);
    redFlagCodes.add(f.code);
    knownCategory(`redFlags[${i}].category`, f.category);
    if (!f.category.startsWith(`${f.target}.`)) {
      fail(`redFlags[${i}].category`, `category "${f.category}" is not one of target "${f.target}"`);
    }
  });
  const rulePhrases = new Set<string>();
  for (const r of [...pack.rules, ...pack.redFlags]) for (const p of r.phrases ?? []) rulePhrases.add(p);
  pack.context.forEach((c, i) => {
    uniqueId(`context[${i}].id`, c.id);
    c.appliesTo.phrases?.forEach((p, j) => {
      if (!rulePhrases.has(p)) fail(`context[${i}].appliesTo.phrases[${j}]`, `"${p}" is not a phrase of any rule or red flag`);
    });
    c.appliesTo.redFlags?.forEach((code, j) => {
      if (!redFlagCodes.has(code)) fail(`context[${i}].appliesTo.redFlags[${j}]`, `unknown red flag "${code}"`);
    });
    c.appliesTo.categories?.forEach((code, j) => knownCategory(`context[${i}].appliesTo.categories[${j}]`, code));
    if (c.turnTo) knownCategory(`context[${i}].turnTo.category`, c.turnTo.category);
  });
  return pack;
}

/** Reads pack JSON text; `where` names the file or source in errors. */
export function parsePackText(text: string, where: string): RulesPack {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new PackError(`${where}: not valid JSON (${(error as Error).message})`);
  }
  return parsePack(json, where);
}

/** Compares dotted numeric versions: negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
