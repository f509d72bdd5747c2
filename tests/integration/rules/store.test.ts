// The rules store on a real SQLite file: first-start install, signed imports, refusals that leave the active
// pack untouched, rollback, export, history and the audit rows written in the same transaction.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../../src-main/core/store/database';
import { verifyAudit } from '../../../src-main/core/store/audit';
import { RulesRefused, RulesStore } from '../../../src-main/core/rules/store';
import { generateSigningKey, signPack, SignatureError } from '../../../src-main/core/rules/signature';
import { PackError, parsePackText } from '../../../src-main/core/rules/pack';
import { createRulesProvider } from '../../../src-main/core/rules/provider';
import { deskConfigSchema } from '../../../src-main/core/config/schema';
import { smallPack } from '../../unit/rules/small-pack';
import { tempDir } from '../../support/desk/fixtures';

const ASSETS_RULES = new URL('../../../assets/rules/', import.meta.url).pathname;
const key = generateSigningKey();
const trustedKeys = [{ id: 'county', publicKey: key.publicKeyBase64 }];

function setup() {
  const dir = tempDir();
  const db = openDatabase(join(dir, 'fenliu.db'));
  const store = new RulesStore(db);
  return { dir, db, store };
}

function signed(version: string) {
  return JSON.stringify(signPack(smallPack({ version }), key.privateKeyPem, 'county'));
}

const auditKinds = (db: ReturnType<typeof openDatabase>) =>
  (db.prepare('SELECT kind, subject_id FROM audit_log ORDER BY seq').all() as { kind: string; subject_id: string }[]).map((r) => `${r.kind} ${r.subject_id}`);

describe('RulesStore', () => {
  it('installs the shipped default pack on first start, once, without a signature', () => {
    const { db, store } = setup();
    const info = store.ensureDefault(ASSETS_RULES);
    expect(info).toMatchObject({ packId: 'fenliu-default', signer: null, source: 'default' });
    expect(info.counts.redFlags).toBeGreaterThan(5);
    store.ensureDefault(ASSETS_RULES);
    expect(store.history()).toHaveLength(1);
    expect(auditKinds(db)).toEqual([`rules.import fenliu-default@${info.version}`]);
  });

  it('imports a newer signed pack atomically and records it in history and the audit log', () => {
    const { db, store } = setup();
    store.import(signed('1.0.0'), { trustedKeys, source: 'cli:v1.json' });
    const info = store.import(signed('1.1.0'), { trustedKeys, source: 'cli:v1.1.json' });
    expect(info).toMatchObject({ packId: 'test-pack', version: '1.1.0', signer: 'county', source: 'cli:v1.1.json' });
    expect(store.active()!.pack.version).toBe('1.1.0');
    expect(store.history().map((h) => [h.version, h.active])).toEqual([['1.1.0', true], ['1.0.0', false]]);
    expect(auditKinds(db)).toEqual(['rules.import test-pack@1.0.0', 'rules.import test-pack@1.1.0']);
    expect(verifyAudit(db)).toMatchObject({ ok: true, rows: 2 });
  });

  it('refuses bad packs with a message naming the problem, and leaves the active pack and history untouched', () => {
    const { db, store } = setup();
    store.import(signed('2.0.0'), { trustedKeys, source: 'v2' });
    const before = { history: store.history(), audit: auditKinds(db) };

    expect(() => store.import(signed('2.0.0'), { trustedKeys, source: 'again.json' })).toThrow(RulesRefused);
    expect(() => store.import(signed('1.9.0'), { trustedKeys, source: 'old.json' })).toThrow(/old\.json: version 1\.9\.0 is not newer than the active pack's 2\.0\.0/);
    expect(() => store.import('{"nope":1}', { trustedKeys, source: 'x.json' })).toThrow(PackError);
    expect(() => store.import('not json', { trustedKeys, source: 'x.json' })).toThrow(/x\.json: not valid JSON/);
    const unknownCategory = smallPack({ version: '3.0.0' });
    unknownCategory.rules[0]!.category = 'civic.nothing';
    expect(() => store.import(JSON.stringify(signPack(unknownCategory, key.privateKeyPem, 'county')), { trustedKeys, source: 'c.json' })).toThrow(
      'c.json: rules[0].category: unknown category "civic.nothing" (not in "categories")',
    );
    const tampered = JSON.parse(signed('3.0.0'));
    tampered.rules[0].phrases.push('新词');
    expect(() => store.import(tampered, { trustedKeys, source: 't.json' })).toThrow(SignatureError);
    expect(() => store.import(JSON.stringify(smallPack({ version: '3.0.0' })), { trustedKeys, source: 'u.json' })).toThrow(/not signed/);

    expect(store.history()).toEqual(before.history);
    expect(auditKinds(db)).toEqual(before.audit);
    expect(store.active()!.pack.version).toBe('2.0.0');
  });

  it('rolls everything back when the transaction fails half-way', () => {
    const { db, store } = setup();
    store.import(signed('1.0.0'), { trustedKeys, source: 'v1' });
    // Make the audit append (the last write of the transaction) fail.
    db.exec("CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log WHEN NEW.kind = 'rules.import' BEGIN SELECT RAISE(ABORT, 'disk trouble'); END;");
    expect(() => store.import(signed('2.0.0'), { trustedKeys, source: 'v2' })).toThrow(/disk trouble/);
    expect(store.active()!.pack.version).toBe('1.0.0');
    expect(store.history()).toHaveLength(1);
  });

  it('imports an unsigned pack only with allowUnsigned, and keeps no signer', () => {
    const { store } = setup();
    expect(store.import(JSON.stringify(smallPack()), { trustedKeys, allowUnsigned: true, source: 'county-test' })).toMatchObject({ signer: null });
  });

  it('rolls back to the pack each one replaced, and refuses when there is nothing before', () => {
    const { db, store } = setup();
    store.import(signed('1.0.0'), { trustedKeys, source: 'v1' });
    store.import(signed('2.0.0'), { trustedKeys, source: 'v2' });
    expect(store.rollback('supervisor')).toMatchObject({ version: '1.0.0' });
    expect(store.active()!.pack.version).toBe('1.0.0');
    expect(store.history().find((h) => h.version === '2.0.0')!.rolledBackAt).not.toBeNull();
    // The rolled-back version may be imported again (it is newer than the active one).
    store.import(signed('2.0.0'), { trustedKeys, source: 'v2 again' });
    expect(store.rollback()).toMatchObject({ version: '1.0.0' });
    expect(() => store.rollback()).toThrow(/nothing to roll back to: test-pack 1\.0\.0 is the first installed pack/);
    expect(auditKinds(db).filter((k) => k.startsWith('rules.rollback'))).toEqual(['rules.rollback test-pack@1.0.0', 'rules.rollback test-pack@1.0.0']);
  });

  it('exports the active pack with its signature so that it verifies again', () => {
    const { dir, store } = setup();
    store.import(signed('1.0.0'), { trustedKeys, source: 'v1' });
    const file = join(dir, 'out.json');
    store.export(file);
    const text = readFileSync(file, 'utf8');
    expect(parsePackText(text, file).signature?.keyId).toBe('county');
    const { store: other } = setup();
    expect(other.import(text, { trustedKeys, source: 'exported' })).toMatchObject({ version: '1.0.0', signer: 'county' });
  });

  it('upgrades the default pack with a newer shipped one, but never replaces a county pack', () => {
    const { dir, store } = setup();
    const shipped = join(dir, 'assets');
    mkdirSync(shipped);
    const write = (version: string) =>
      writeFileSync(join(shipped, 'default-pack.json'), JSON.stringify(smallPack({ id: 'fenliu-default', version })));
    write('1.0.0');
    store.ensureDefault(shipped);
    write('1.1.0');
    expect(store.ensureDefault(shipped)).toMatchObject({ version: '1.1.0', source: 'default' });
    store.import(signed('5.0.0'), { trustedKeys, source: 'county' });
    write('9.0.0');
    expect(store.ensureDefault(shipped)).toMatchObject({ packId: 'test-pack', version: '5.0.0' });
  });
});

describe('createRulesProvider', () => {
  it('classifies with the active pack and the county targets, and switches live on import and rollback', () => {
    const { dir, db } = setup();
    const config = deskConfigSchema.parse({ targets: { civic: { number: '24365', name: '南部县24365' } }, rules: { trustedKeys } });
    const provider = createRulesProvider(db, config, ASSETS_RULES);
    expect(provider.classify('报警人称楼上装修噪音太大')).toMatchObject({ target: 'civic', targetNumber: '24365' });
    expect(provider.targets().find((t) => t.code === 'civic')).toEqual({ code: 'civic', number: '24365', name: '南部县24365' });
    let changes = 0;
    provider.onChange!(() => (changes += 1));
    provider.importPack(signed('9999.0.0'), { source: join(dir, 'county.json') });
    expect(provider.info()).toMatchObject({ version: '9999.0.0', signer: 'county' });
    expect(provider.classify('欠钱不还')).toMatchObject({ category: 'civic.debt', rulesVersion: '9999.0.0' });
    provider.rollback();
    expect(provider.info().version).not.toBe('9999.0.0');
    expect(changes).toBe(2);
  });
});
