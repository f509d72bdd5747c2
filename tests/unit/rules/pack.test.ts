import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { compareVersions, parsePack, parsePackText } from '../../../src-main/core/rules/pack';
import { smallPack } from './small-pack';

const DEFAULT_PACK = new URL('../../../assets/rules/default-pack.json', import.meta.url);

describe('parsePack', () => {
  it('accepts the shipped default pack, which covers every target and the taxonomy groups', () => {
    const pack = parsePackText(readFileSync(DEFAULT_PACK, 'utf8'), 'default-pack.json');
    expect(pack.targets.map((t) => t.code).sort()).toEqual(['110', '119', '120', '122', 'civic']);
    const categories = new Set(pack.categories.map((c) => c.code));
    for (const group of ['consult', 'service', 'utility', 'consumer', 'labour', 'debt', 'family', 'neighbour', 'tenancy', 'property', 'noise', 'municipal', 'animal', 'lockout', 'health']) {
      expect(categories.has(`civic.${group}`), `civic.${group}`).toBe(true);
    }
    expect(pack.redFlags.map((f) => f.target)).not.toContain('civic');
  });

  it('names the field of a rule that points at an unknown category', () => {
    const pack = smallPack();
    pack.rules[1]!.category = 'civic.nosie';
    expect(() => parsePack(pack, 'county.json')).toThrow('county.json: rules[1].category: unknown category "civic.nosie" (not in "categories")');
  });

  it('names a missing or malformed field', () => {
    const { version: _v, ...noVersion } = smallPack();
    expect(() => parsePack(noVersion, 'p.json')).toThrow(/^p\.json: version: /);
    expect(() => parsePack({ ...smallPack(), version: 'v2' }, 'p.json')).toThrow(/p\.json: version: dotted numbers/);
    expect(() => parsePack({ ...smallPack(), extra: 1 }, 'p.json')).toThrow(/p\.json: \(top level\): .*extra/);
    expect(() => parsePack('not a pack', 'p.json')).toThrow(/^p\.json: \(top level\)/);
    const badWeight = smallPack();
    (badWeight.rules[0] as { weight: number }).weight = 0;
    expect(() => parsePack(badWeight, 'p.json')).toThrow(/p\.json: rules\[0\]\.weight/);
  });

  it('refuses duplicate ids, red flags sent to civic, and context naming unknown things', () => {
    const dup = smallPack();
    dup.rules[1]!.id = 'debt';
    expect(() => parsePack(dup, 'p')).toThrow('p: rules[1].id: id "debt" is already used by rules[0].id');
    const civicFlag = smallPack();
    (civicFlag.redFlags[0] as { target: string }).target = 'civic';
    expect(() => parsePack(civicFlag, 'p')).toThrow(/p: redFlags\[0\]\.target/);
    const wrongTarget = smallPack();
    wrongTarget.redFlags[0]!.category = '120.medical';
    expect(() => parsePack(wrongTarget, 'p')).toThrow('p: redFlags[0].category: category "120.medical" is not one of target "110"');
    const badContext = smallPack();
    badContext.context[1]!.appliesTo = { redFlags: ['fire'] };
    expect(() => parsePack(badContext, 'p')).toThrow('p: context[1].appliesTo.redFlags[0]: unknown red flag "fire"');
    const typo = smallPack();
    typo.context[0]!.appliesTo = { phrases: ['受了伤'] };
    expect(() => parsePack(typo, 'p')).toThrow('p: context[0].appliesTo.phrases[0]: "受了伤" is not a phrase of any rule or red flag');
    const turnWithout = smallPack();
    delete turnWithout.context[2]!.turnTo;
    expect(() => parsePack(turnWithout, 'p')).toThrow(/p: context\[2\]\.turnTo/);
  });

  it('reports text that is not JSON', () => {
    expect(() => parsePackText('{"format":', 'broken.json')).toThrow(/^broken\.json: not valid JSON/);
  });
});

describe('compareVersions', () => {
  it('compares dotted numbers numerically', () => {
    expect(compareVersions('2025.10.0', '2025.9.3')).toBeGreaterThan(0);
    expect(compareVersions('1.2', '1.2.0')).toBe(0);
    expect(compareVersions('1.0.0', '1.0.1')).toBeLessThan(0);
  });
});
