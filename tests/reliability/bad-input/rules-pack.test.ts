// Bad rules packs, property-based: a pack with one spot changed (then signed by the trusted key, so the content
// checks are reached), a signed pack changed after signing, or any JSON at all. Each import either installs a
// valid pack or is refused with a clear error (PackError naming the field, SignatureError, RulesRefused) — never
// another exception — and a refused import leaves the active pack, the history and the audit log as they were.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { openDatabase } from '../../../src-main/core/store/database';
import { verifyAudit } from '../../../src-main/core/store/audit';
import { RulesRefused, RulesStore } from '../../../src-main/core/rules/store';
import { PackError } from '../../../src-main/core/rules/pack';
import { compileClassifier } from '../../../src-main/core/rules/classifier';
import { generateSigningKey, signPack, SignatureError } from '../../../src-main/core/rules/signature';
import { smallPack } from '../../unit/rules/small-pack';
import { tempDir } from '../../support/desk/fixtures';
import { mutationsOf, oddJson, type Json } from '../../support/faults/mutate';

const key = generateSigningKey();
const trustedKeys = [{ id: 'county', publicKey: key.publicKeyBase64 }];
const db = openDatabase(join(tempDir('fenliu-rules-fuzz-'), 'fenliu.db'));
const store = new RulesStore(db);
store.import(JSON.stringify(signPack(smallPack({ version: '1.0.0' }), key.privateKeyPem, 'county')), { trustedKeys, source: 'base.json' });
afterAll(() => {
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(verifyAudit(db).ok).toBe(true);
  db.close();
});

let version = 1;
/** Each attempt carries a newer version, so "not newer" does not hide the content checks. */
const nextVersion = () => `2.${(version += 1)}.0`;

function state(): string {
  const active = store.active()!;
  return JSON.stringify([active.installed, store.history().length, db.prepare('SELECT max(seq) FROM audit_log').pluck().get()]);
}

const outcomes = { installed: 0, pack: 0, signature: 0, refused: 0 };

function attempt(input: unknown): void {
  const before = state();
  try {
    store.import(input, { trustedKeys, source: 'county.json' });
    outcomes.installed += 1;
    // What was installed compiles and classifies.
    expect(compileClassifier(store.active()!.pack).classify('报警人称邻居欠钱不还').target).toMatch(/^(110|civic|119|120|122)$/);
    return;
  } catch (error) {
    if (error instanceof PackError) {
      outcomes.pack += 1;
      expect(error.message).toMatch(/^county\.json: \S/);
    } else if (error instanceof SignatureError) outcomes.signature += 1;
    else if (error instanceof RulesRefused) outcomes.refused += 1;
    else throw error;
    expect(error.message).not.toContain('\n');
    expect(state(), 'a refused pack changes nothing').toBe(before);
  }
}

describe('rules packs, property-based', () => {
  it('one spot changed, then signed: installed only when valid; otherwise refused naming the field, nothing changed', () => {
    const base = smallPack() as unknown as Json;
    fc.assert(
      fc.property(mutationsOf(base), (doc) => {
        const pack = doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? { ...doc, version: nextVersion() } : doc;
        attempt(pack !== null && typeof pack === 'object' && !Array.isArray(pack) ? signPack(pack, key.privateKeyPem, 'county') : pack);
      }),
      { numRuns: 250, seed: 31 },
    );
    expect(outcomes.pack).toBeGreaterThan(100);
    expect(outcomes.installed).toBeGreaterThan(0);
  });

  it('a signed pack changed after signing, or any JSON at all: refused, nothing changed', () => {
    const before = { ...outcomes };
    const signed = signPack(smallPack({ version: '9.0.0' }), key.privateKeyPem, 'county') as unknown as Json;
    fc.assert(
      fc.property(fc.oneof(mutationsOf(signed), oddJson, oddJson.map((v) => JSON.stringify(v))), (doc) => {
        const installedBefore = outcomes.installed;
        attempt(doc);
        // Only an unchanged pack (a mutation that happened to change nothing that is signed) may go in.
        if (outcomes.installed > installedBefore) expect(JSON.stringify(doc)).toBe(JSON.stringify(signed));
      }),
      { numRuns: 250, seed: 32 },
    );
    expect(outcomes.signature - before.signature + outcomes.pack - before.pack).toBeGreaterThan(200);
  });
});
