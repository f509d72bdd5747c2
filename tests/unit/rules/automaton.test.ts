import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildAutomaton } from '../../../src-main/core/rules/automaton';

function naive(patterns: string[], text: string) {
  const out: { pattern: number; start: number; end: number }[] = [];
  const first = new Map<string, number>();
  patterns.forEach((p, i) => {
    if (!first.has(p)) first.set(p, i);
  });
  for (const [p, i] of first) {
    for (let at = text.indexOf(p); at >= 0; at = text.indexOf(p, at + 1)) out.push({ pattern: i, start: at, end: at + p.length });
  }
  return out;
}

const sortMatches = (m: { pattern: number; start: number; end: number }[]) =>
  [...m].sort((a, b) => a.start - b.start || a.end - b.end || a.pattern - b.pattern);

describe('Aho–Corasick automaton', () => {
  it('finds every occurrence, overlapping and nested ones included, in one pass', () => {
    const a = buildAutomaton(['he', 'she', 'his', 'hers']);
    expect(sortMatches(a.scan('ushers'))).toEqual([
      { pattern: 1, start: 1, end: 4 },
      { pattern: 0, start: 2, end: 4 },
      { pattern: 3, start: 2, end: 6 },
    ]);
  });

  it('handles Chinese phrases that share prefixes and suffixes', () => {
    const patterns = ['刀', '菜刀', '拿着刀', '拿着', '着刀'];
    const a = buildAutomaton(patterns);
    expect(sortMatches(a.scan('他拿着刀'))).toEqual(sortMatches(naive(patterns, '他拿着刀')));
  });

  it('reports a duplicate pattern once, under its first index', () => {
    expect(buildAutomaton(['吵', '吵']).scan('很吵')).toEqual([{ pattern: 0, start: 1, end: 2 }]);
  });

  it('refuses an empty pattern', () => {
    expect(() => buildAutomaton(['a', ''])).toThrow(/pattern 1 is empty/);
  });

  it('agrees with a naive search on random patterns and texts', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', '刀', '火');
    const word = fc.array(alphabet, { minLength: 1, maxLength: 4 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 12 }), fc.array(alphabet, { maxLength: 40 }), (patterns, chars) => {
        const text = chars.join('');
        expect(sortMatches(buildAutomaton(patterns).scan(text))).toEqual(sortMatches(naive(patterns, text)));
      }),
      { numRuns: 300 },
    );
  });
});
