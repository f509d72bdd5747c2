// One normal form for notes and rule phrases alike: NFKC (full-width → half-width, compatibility ideographs),
// lower case, letters and digits only (spaces, punctuation, symbols dropped), Traditional → Simplified.
// The same function runs over both sides, so "報警人稱…" and "报警人称…" meet in the same string.
//
// Traditional → Simplified uses opencc-js's dictionaries in OpenCC's order: Taiwan variants, then Traditional
// → Simplified (this turns 著 into 着 where it means -zhe, which the Hong Kong chain keeps), then Hong Kong
// variants (衞 …), then Traditional → Simplified again. Each step is OpenCC's longest-match replacement, run
// over tries flattened into typed arrays: opencc-js's own converter allocates a string per segment, and on a
// busy desk its garbage made the slowest keystrokes tens of times slower than the median.
import OpenCC from 'opencc-js/t2cn';

type DictLike = string | readonly (readonly [string, string])[];
type DictGroup = readonly DictLike[];

function dictionaries(chain: readonly DictGroup[] | undefined, name: string): readonly DictGroup[] {
  if (!chain) throw new Error(`opencc-js: the ${name} dictionaries are missing`);
  return chain;
}

function entries(dict: DictLike): (readonly [string, string])[] {
  if (typeof dict !== 'string') return [...dict];
  if (dict === '') return [];
  return dict.split('|').map((line) => {
    const [from = '', to = ''] = line.split(' ');
    return [from, to] as const;
  });
}

const NONE = -1;

function sameText(a: string, text: string, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let k = 0; k < a.length; k += 1) if (a.charCodeAt(k) !== text.charCodeAt(start + k)) return false;
  return true;
}

/** Longest-match replacement with one dictionary group (earlier dictionaries win, as in OpenCC). */
class Replacer {
  private readonly rootNext = new Int32Array(0x10000).fill(NONE);
  private readonly edgeStart: Int32Array;
  private readonly edgeCode: Uint16Array;
  private readonly edgeTarget: Int32Array;
  private readonly value: Int32Array;
  private readonly values: string[] = [];

  constructor(group: DictGroup) {
    const children: Map<number, number>[] = [new Map()];
    const value: number[] = [NONE];
    for (let d = group.length - 1; d >= 0; d -= 1) {
      for (const [from, to] of entries(group[d]!)) {
        if (from === '') continue;
        let node = 0;
        for (let i = 0; i < from.length; i += 1) {
          const code = from.charCodeAt(i);
          let next = children[node]!.get(code);
          if (next === undefined) {
            next = children.length;
            children.push(new Map());
            value.push(NONE);
            children[node]!.set(code, next);
          }
          node = next;
        }
        value[node] = this.values.length;
        this.values.push(to);
      }
    }
    const count = children.length;
    this.edgeStart = new Int32Array(count + 1);
    let total = 0;
    for (let n = 0; n < count; n += 1) {
      this.edgeStart[n] = total;
      if (n > 0) total += children[n]!.size;
    }
    this.edgeStart[count] = total;
    this.edgeCode = new Uint16Array(total);
    this.edgeTarget = new Int32Array(total);
    for (let n = 1; n < count; n += 1) {
      let e = this.edgeStart[n]!;
      for (const [code, target] of [...children[n]!].sort((a, b) => a[0] - b[0])) {
        this.edgeCode[e] = code;
        this.edgeTarget[e] = target;
        e += 1;
      }
    }
    for (const [code, target] of children[0]!) this.rootNext[code] = target;
    this.value = Int32Array.from(value);
  }

  private next(node: number, code: number): number {
    if (node === 0) return this.rootNext[code]!;
    let lo = this.edgeStart[node]!;
    let hi = this.edgeStart[node + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.edgeCode[mid]!;
      if (c === code) return this.edgeTarget[mid]!;
      if (c < code) lo = mid + 1;
      else hi = mid;
    }
    return NONE;
  }

  convert(text: string): string {
    let out: string[] | null = null;
    let copied = 0; // text[copied..i) is still to be copied unchanged
    let i = 0;
    while (i < text.length) {
      let node = 0;
      let matchEnd = -1;
      let matchValue = NONE;
      for (let j = i; j < text.length; j += 1) {
        node = this.next(node, text.charCodeAt(j));
        if (node === NONE) break;
        if (this.value[node] !== NONE) {
          matchEnd = j + 1;
          matchValue = this.value[node]!;
        }
      }
      if (matchEnd < 0) {
        i += 1;
        continue;
      }
      const replacement = this.values[matchValue]!;
      if (!sameText(replacement, text, i, matchEnd)) {
        out ??= [];
        if (copied < i) out.push(text.slice(copied, i));
        out.push(replacement);
        copied = matchEnd;
      }
      i = matchEnd;
    }
    if (!out) return text;
    if (copied < text.length) out.push(text.slice(copied));
    return out.join('');
  }
}

interface Converter {
  /** Each step with the code units it can change; a step is skipped for a text holding none of them. */
  steps: { replacer: Replacer; changing: Uint8Array }[];
}

let converter: Converter | null = null;

/**
 * Every code unit a step can rewrite: for each changing entry, the positions where source and replacement
 * differ (all of the source when their lengths differ). Most Simplified notes contain none, and skip the step.
 */
function changingCodeUnits(group: DictGroup): Uint8Array {
  const table = new Uint8Array(0x10000);
  {
    for (const dict of group) {
      for (const [from, to] of entries(dict)) {
        if (from === to) continue;
        const sameLength = from.length === to.length;
        for (let i = 0; i < from.length; i += 1) {
          if (!sameLength || from[i] !== to[i]) table[from.charCodeAt(i)] = 1;
        }
      }
    }
  }
  return table;
}

function getConverter(): Converter {
  if (converter) return converter;
  const tw = dictionaries(OpenCC.Locale.from.tw, 'Taiwan');
  const hk = dictionaries(OpenCC.Locale.from.hk, 'Hong Kong');
  const cn = dictionaries(OpenCC.Locale.to.cn, 'Simplified');
  const groups = [...tw, ...cn, ...hk, ...cn];
  converter = { steps: groups.map((g) => ({ replacer: new Replacer(g), changing: changingCodeUnits(g) })) };
  return converter;
}

function needsConversion(text: string, changing: Uint8Array): boolean {
  for (let i = 0; i < text.length; i += 1) {
    if (changing[text.charCodeAt(i)] === 1) return true;
  }
  return false;
}

/** 1 for the code units kept: letters and digits (\p{L}, \p{N}); surrogates are kept and decided in pairs. */
let keptTable: Uint8Array | null = null;

function getKeptTable(): Uint8Array {
  if (keptTable) return keptTable;
  const table = new Uint8Array(0x10000);
  const letterOrDigit = /^[\p{L}\p{N}]$/u;
  for (let code = 0; code < 0x10000; code += 1) {
    if (code >= 0xd800 && code <= 0xdfff) table[code] = 2;
    else if (letterOrDigit.test(String.fromCharCode(code))) table[code] = 1;
  }
  keptTable = table;
  return table;
}

const ASTRAL_LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

/** Drops spaces, punctuation and symbols with one table look-up per code unit (a Unicode regex is 5× slower). */
function lettersAndDigits(text: string): string {
  const kept = getKeptTable();
  let parts: string[] | null = null;
  let runStart = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    let width = 1;
    let keep = kept[code] === 1;
    if (kept[code] === 2) {
      width = code <= 0xdbff && i + 1 < text.length ? 2 : 1;
      keep = width === 2 && ASTRAL_LETTER_OR_DIGIT.test(text.slice(i, i + 2));
    }
    if (!keep) {
      parts ??= [];
      if (runStart < i) parts.push(text.slice(runStart, i));
      runStart = i + width;
    }
    i += width;
  }
  if (!parts) return text;
  if (runStart < text.length) parts.push(text.slice(runStart));
  return parts.join('');
}

export function normalizeText(text: string): string {
  let out = lettersAndDigits(text.normalize('NFKC').toLowerCase());
  if (out === '') return out;
  for (const step of getConverter().steps) {
    if (needsConversion(out, step.changing)) out = step.replacer.convert(out);
  }
  return out;
}

/** Builds the converter now (e.g. at start-up) so that the first keystroke does not pay for it. */
export function warmUpNormalizer(): void {
  getConverter();
  getKeptTable();
}
