// Compiles a rules pack into one automaton and classifies notes with it:
// normalize → one scan → near pairs → context rules (protect, then cancel/turn) → red flags first →
// category scores. Every decision is data of the pack; nothing here knows a Chinese word.
import type { Classification, RedFlagHit, TargetCode } from '../../api/classification';
import { buildAutomaton } from './automaton';
import { normalizeText } from './normalize';
import type { NearPair, RulesPack } from './pack';

export type DisplayLocale = 'zh-CN' | 'zh-TW' | 'en';

export interface CompileOptions {
  /** Per-county numbers and names (config `targets`), over the pack's defaults. */
  targetOverrides?: Partial<Record<TargetCode, { number: string; name: string }>>;
  /** Language of target, category and red-flag names in results; Simplified Chinese by default. */
  locale?: DisplayLocale;
}

export interface CompiledClassifier {
  classify(note: string): Classification;
  version: string;
  targets: { code: TargetCode; number: string; name: string }[];
  /** Distinct normalized phrases in the automaton (rules, red flags, near pairs and context cues). */
  patternCount: number;
}

const RED = 0;
const RULE = 1;

interface Hit {
  kind: typeof RED | typeof RULE;
  owner: number;
  /** Pattern of a plain phrase match; -1 for a near pair. */
  pattern: number;
  /** Near pair index, -1 for a plain phrase. */
  near: number;
  start: number;
  end: number;
  protected: boolean;
  cancelled: boolean;
}

interface CompiledNear {
  kind: typeof RED | typeof RULE;
  owner: number;
  window: number;
  ordered: boolean;
}

interface CompiledContext {
  effect: 'cancel' | 'turn' | 'protect';
  redFlags: Set<number> | null;
  categories: Set<number> | null;
  phrases: Set<number> | null;
  side: 'before' | 'after' | 'either' | 'note';
  window: number;
  turnCategory: number;
  turnWeight: number;
}

interface Span {
  pattern: number;
  start: number;
  end: number;
}

function localName(locale: DisplayLocale, name: string, names?: { 'zh-TW'?: string; en?: string }): string {
  if (locale === 'zh-TW') return names?.['zh-TW'] ?? name;
  if (locale === 'en') return names?.en ?? name;
  return name;
}

export function compileClassifier(pack: RulesPack, options: CompileOptions = {}): CompiledClassifier {
  const locale = options.locale ?? 'zh-CN';

  const targets = pack.targets.map((t) => {
    const override = options.targetOverrides?.[t.code];
    return {
      code: t.code,
      number: override?.number ?? t.number,
      name: override?.name ?? localName(locale, t.name, t.names),
    };
  });
  const targetByCode = new Map(targets.map((t) => [t.code, t]));

  const categoryIndex = new Map(pack.categories.map((c, i) => [c.code, i]));
  const categoryCodes = pack.categories.map((c) => c.code);
  const categoryNames = pack.categories.map((c) => localName(locale, c.name, c.names));
  const categoryTargets = pack.categories.map((c) => c.code.slice(0, c.code.indexOf('.')) as TargetCode);

  // One pattern per distinct normalized phrase; each knows which rules, red flags, pairs and cues use it.
  const patterns: string[] = [];
  const patternIndex = new Map<string, number>();
  const redUses: number[][] = [];
  const ruleUses: number[][] = [];
  const cueUses: number[][] = [];
  /** near index * 2 + side (0 = a, 1 = b) */
  const nearUses: number[][] = [];
  const addUse = (uses: number[][], phrase: string, value: number) => {
    const normal = normalizeText(phrase);
    if (normal === '') return; // punctuation only: can never match a note
    let index = patternIndex.get(normal);
    if (index === undefined) {
      index = patterns.length;
      patterns.push(normal);
      patternIndex.set(normal, index);
      redUses.push([]);
      ruleUses.push([]);
      cueUses.push([]);
      nearUses.push([]);
    }
    const list = uses[index]!;
    if (!list.includes(value)) list.push(value);
  };

  const nears: CompiledNear[] = [];
  const addNears = (kind: typeof RED | typeof RULE, owner: number, pairs: NearPair[] | undefined) => {
    for (const pair of pairs ?? []) {
      const n = nears.length;
      nears.push({ kind, owner, window: pair.window, ordered: pair.ordered ?? true });
      pair.a.forEach((p) => addUse(nearUses, p, n * 2));
      pair.b.forEach((p) => addUse(nearUses, p, n * 2 + 1));
    }
  };

  pack.redFlags.forEach((flag, i) => {
    flag.phrases?.forEach((p) => addUse(redUses, p, i));
    addNears(RED, i, flag.near);
  });
  const ruleCategory = new Int32Array(pack.rules.length);
  const ruleWeight = new Int32Array(pack.rules.length);
  pack.rules.forEach((rule, i) => {
    ruleCategory[i] = categoryIndex.get(rule.category)!;
    ruleWeight[i] = rule.weight;
    rule.phrases?.forEach((p) => addUse(ruleUses, p, i));
    addNears(RULE, i, rule.near);
  });
  const redFlagIndex = new Map(pack.redFlags.map((f, i) => [f.code, i]));
  const contexts: CompiledContext[] = pack.context.map((c, i) => {
    c.cues.forEach((p) => addUse(cueUses, p, i));
    return {
      effect: c.effect,
      redFlags: c.appliesTo.redFlags ? new Set(c.appliesTo.redFlags.map((code) => redFlagIndex.get(code)!)) : null,
      categories: c.appliesTo.categories ? new Set(c.appliesTo.categories.map((code) => categoryIndex.get(code)!)) : null,
      phrases: c.appliesTo.phrases
        ? new Set(c.appliesTo.phrases.map((p) => patternIndex.get(normalizeText(p))).filter((x) => x !== undefined))
        : null,
      side: c.side ?? 'either',
      window: c.window ?? 0,
      turnCategory: c.turnTo ? categoryIndex.get(c.turnTo.category)! : -1,
      turnWeight: c.turnTo?.weight ?? 0,
    };
  });

  const automaton = buildAutomaton(patterns);
  const redFlags = pack.redFlags.map((f) => ({
    code: f.code,
    label: localName(locale, f.label, f.labels),
    target: f.target as TargetCode,
    category: categoryIndex.get(f.category)!,
    priority: f.priority,
  }));
  const version = pack.version;

  const selects = (ctx: CompiledContext, hit: Hit): boolean => {
    if (ctx.phrases && !ctx.phrases.has(hit.pattern)) return false; // near pairs have pattern -1
    if (ctx.redFlags || ctx.categories) {
      return hit.kind === RED ? ctx.redFlags?.has(hit.owner) === true : ctx.categories?.has(ruleCategory[hit.owner]!) === true;
    }
    return true;
  };
  const near = (ctx: CompiledContext, cue: Span, hit: Hit): boolean => {
    if (ctx.side === 'note') return true;
    if (cue.start < hit.end && hit.start < cue.end) return true; // overlapping
    // "either" with no window means a cue inside the match (a compound like 抢救 around 抢): merely touching the
    // match is another word, and must not cancel a red flag.
    if (ctx.side === 'either' && ctx.window === 0) return false;
    const before = cue.end <= hit.start && hit.start - cue.end <= ctx.window;
    const after = cue.start >= hit.end && cue.start - hit.end <= ctx.window;
    if (ctx.side === 'before') return before;
    if (ctx.side === 'after') return after;
    return before || after;
  };

  const result = (
    target: TargetCode,
    category: number,
    flags: RedFlagHit[],
    matched: string[],
    decidingRule: string | null,
  ): Classification => {
    const info = targetByCode.get(target)!;
    return {
      target,
      targetNumber: info.number,
      targetName: info.name,
      category: category >= 0 ? categoryCodes[category]! : null,
      categoryName: category >= 0 ? categoryNames[category]! : null,
      redFlag: flags.length > 0,
      redFlags: flags,
      matched,
      decidingRule,
      rulesVersion: version,
    };
  };

  /** For each `b` match of a pair, the closest `a` match within the window makes one hit. */
  const pairHits = (n: number, as: Span[], bs: Span[], hits: Hit[]) => {
    const def = nears[n]!;
    for (const b of bs) {
      let best: Span | null = null;
      let bestGap = Number.POSITIVE_INFINITY;
      for (const a of as) {
        let gap = -1;
        if (a.end <= b.start) gap = b.start - a.end;
        else if (!def.ordered && b.end <= a.start) gap = a.start - b.end;
        if (gap >= 0 && gap <= def.window && gap < bestGap) {
          best = a;
          bestGap = gap;
        }
      }
      if (best) {
        hits.push({
          kind: def.kind,
          owner: def.owner,
          pattern: -1,
          near: n,
          start: Math.min(best.start, b.start),
          end: Math.max(best.end, b.end),
          protected: false,
          cancelled: false,
        });
      }
    }
  };

  const classify = (note: string): Classification => {
    const text = normalizeText(note);
    if (text === '') return result('110', -1, [], [], null);

    const hits: Hit[] = [];
    const cues: (Span & { context: number })[] = [];
    let parts: Map<number, Span[]> | null = null;
    for (const m of automaton.scan(text)) {
      const p = m.pattern;
      for (const owner of redUses[p]!) {
        hits.push({ kind: RED, owner, pattern: p, near: -1, start: m.start, end: m.end, protected: false, cancelled: false });
      }
      for (const owner of ruleUses[p]!) {
        hits.push({ kind: RULE, owner, pattern: p, near: -1, start: m.start, end: m.end, protected: false, cancelled: false });
      }
      for (const context of cueUses[p]!) cues.push({ context, pattern: p, start: m.start, end: m.end });
      for (const use of nearUses[p]!) {
        parts ??= new Map();
        let list = parts.get(use);
        if (!list) parts.set(use, (list = []));
        list.push({ pattern: p, start: m.start, end: m.end });
      }
    }
    if (parts) {
      for (const [use, list] of parts) {
        if (use % 2 !== 1) continue;
        const as = parts.get(use - 1);
        if (as) pairHits((use - 1) / 2, as, list, hits);
      }
    }
    if (hits.length === 0) return result('110', -1, [], [], null);

    // Context: protections first, so that "有没有人受伤" keeps its flag whatever negation is near.
    const turns = new Set<number>();
    if (cues.length > 0) {
      for (const cue of cues) {
        const ctx = contexts[cue.context]!;
        if (ctx.effect !== 'protect') continue;
        for (const hit of hits) if (selects(ctx, hit) && near(ctx, cue, hit)) hit.protected = true;
      }
      for (const cue of cues) {
        const ctx = contexts[cue.context]!;
        if (ctx.effect === 'protect') continue;
        for (const hit of hits) {
          if (hit.protected || !selects(ctx, hit) || !near(ctx, cue, hit)) continue;
          hit.cancelled = true;
          if (ctx.effect === 'turn') turns.add(cue.context);
        }
      }
    }

    hits.sort((a, b) => a.start - b.start || b.end - a.end);
    const matched: string[] = [];
    const flagPhrase = new Map<number, string>();
    for (const hit of hits) {
      if (hit.cancelled) continue;
      const phrase = hit.pattern >= 0 ? patterns[hit.pattern]! : text.slice(hit.start, hit.end);
      if (!matched.includes(phrase)) matched.push(phrase);
      if (hit.kind === RED && !flagPhrase.has(hit.owner)) flagPhrase.set(hit.owner, phrase);
    }

    // Red flags decide first and win over every other match.
    if (flagPhrase.size > 0) {
      const raised = [...flagPhrase.keys()].sort((a, b) => redFlags[b]!.priority - redFlags[a]!.priority || a - b);
      const flags = raised.map((i) => ({ code: redFlags[i]!.code, label: redFlags[i]!.label, phrase: flagPhrase.get(i)! }));
      const winner = redFlags[raised[0]!]!;
      return result(winner.target, winner.category, flags, matched, winner.code);
    }

    // Otherwise the category with the highest score: each distinct phrase (or pair) of a rule counts once, and a
    // phrase inside a longer one of the same category (电线 in 电线杆) adds nothing to it.
    const score = new Map<number, number>();
    const best = new Map<number, { rule: number; weight: number }>();
    const counted = new Set<number>();
    const coveredTo = new Map<number, number>();
    for (const hit of hits) {
      if (hit.cancelled || hit.kind !== RULE) continue;
      const key = hit.pattern >= 0 ? hit.owner * patterns.length + hit.pattern : -1 - hit.near;
      if (counted.has(key)) continue;
      const category = ruleCategory[hit.owner]!;
      // Hits are sorted by start, longest first: one ending within the category's last span is nested in it.
      if (hit.end <= (coveredTo.get(category) ?? -1)) continue;
      counted.add(key);
      coveredTo.set(category, hit.end);
      const weight = ruleWeight[hit.owner]!;
      score.set(category, (score.get(category) ?? 0) + weight);
      const top = best.get(category);
      if (!top || weight > top.weight) best.set(category, { rule: hit.owner, weight });
    }
    for (const context of turns) {
      const ctx = contexts[context]!;
      score.set(ctx.turnCategory, (score.get(ctx.turnCategory) ?? 0) + ctx.turnWeight);
    }
    let winner = -1;
    for (const [category, value] of score) {
      if (winner < 0 || beats(category, value, winner, score.get(winner)!)) winner = category;
    }
    if (winner < 0) return result('110', -1, [], matched, null);
    const decider = best.get(winner);
    const decidingRule = decider
      ? pack.rules[decider.rule]!.id
      : pack.context[[...turns].find((c) => contexts[c]!.turnCategory === winner)!]!.id;
    return result(categoryTargets[winner]!, winner, [], matched, decidingRule);

    /** Higher score; on a tie the stronger single phrase, then the police (they decide when unsure), then pack order. */
    function beats(category: number, value: number, other: number, otherValue: number): boolean {
      if (value !== otherValue) return value > otherValue;
      const wa = best.get(category)?.weight ?? 0;
      const wb = best.get(other)?.weight ?? 0;
      if (wa !== wb) return wa > wb;
      const pa = categoryTargets[category] === '110';
      const pb = categoryTargets[other] === '110';
      if (pa !== pb) return pa;
      return category < other;
    }
  };

  return { classify, version, targets, patternCount: patterns.length };
}
