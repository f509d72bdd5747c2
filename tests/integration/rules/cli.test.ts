// `fenliu rules …` and `fenliu classify` as a supervisor uses them: real data dir, real SQLite, shipped pack.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { main } from '../../../src-main/cli/main';
import { smallPack } from '../../unit/rules/small-pack';
import { tempDir } from '../../support/desk/fixtures';

async function fenliu(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out, err, json: () => out.map((l) => JSON.parse(l)) };
}

const DEV_NOTES = new URL('../../fixtures/notes-dev.jsonl', import.meta.url).pathname;

describe('fenliu rules', () => {
  it('shows the default pack installed on first use', async () => {
    const d = tempDir();
    const info = await fenliu('--data-dir', d, 'rules', 'info', '--json');
    expect(info.code).toBe(0);
    expect(info.json()[0]).toMatchObject({ packId: 'fenliu-default', source: 'default', counts: { targets: 5 } });
  });

  it('refuses an unsigned pack with exit 2 unless --allow-unsigned, then rolls back and exports', async () => {
    const d = tempDir();
    const file = join(d, 'county.json');
    writeFileSync(file, JSON.stringify(smallPack({ version: '9000.0.0' })));
    const refused = await fenliu('--data-dir', d, 'rules', 'import', file);
    expect(refused.code).toBe(2);
    expect(refused.err).toEqual(['fenliu rules: the pack is not signed (a county testing its own pack may import it with --allow-unsigned)']);
    const imported = await fenliu('--data-dir', d, 'rules', 'import', file, '--allow-unsigned', '--json');
    expect(imported.code).toBe(0);
    expect(imported.json()[0]).toMatchObject({ packId: 'test-pack', version: '9000.0.0', signer: null });
    const again = await fenliu('--data-dir', d, 'rules', 'import', file, '--allow-unsigned');
    expect(again.code).toBe(2);
    expect(again.err[0]).toMatch(/version 9000\.0\.0 is not newer than the active pack's 9000\.0\.0/);
    const exported = join(d, 'active.json');
    expect((await fenliu('--data-dir', d, 'rules', 'export', exported)).code).toBe(0);
    expect(JSON.parse(readFileSync(exported, 'utf8')).id).toBe('test-pack');
    expect((await fenliu('--data-dir', d, 'rules', 'rollback')).code).toBe(0);
    expect((await fenliu('--data-dir', d, 'rules', 'info', '--json')).json()[0]).toMatchObject({ packId: 'fenliu-default' });
    const history = await fenliu('--data-dir', d, 'rules', 'history', '--json');
    expect(history.json().map((h: { packId: string; active: boolean }) => [h.packId, h.active])).toEqual([['test-pack', false], ['fenliu-default', true]]);
  });

  it('names the field of a bad pack with exit 2', async () => {
    const d = tempDir();
    const pack = smallPack();
    pack.rules[0]!.category = 'civic.nosie';
    const file = join(d, 'bad.json');
    writeFileSync(file, JSON.stringify(pack));
    const verify = await fenliu('--data-dir', d, 'rules', 'verify', file, '--allow-unsigned');
    expect(verify.code).toBe(2);
    expect(verify.err).toEqual([`fenliu rules: ${file}: rules[0].category: unknown category "civic.nosie" (not in "categories")`]);
  });

  it('lets a county make a key, sign its pack, and import it once the key is trusted', async () => {
    const d = tempDir();
    const keyFile = join(d, 'county.key');
    const keygen = await fenliu('--data-dir', d, 'rules', 'keygen', '--private-key', keyFile, '--key-id', 'nanbu', '--json');
    expect(keygen.code).toBe(0);
    const { trustedKey } = keygen.json()[0];
    expect(existsSync(keyFile)).toBe(true);
    expect((await fenliu('--data-dir', d, 'rules', 'keygen', '--private-key', keyFile)).code).toBe(2); // never overwritten
    const packFile = join(d, 'pack.json');
    writeFileSync(packFile, JSON.stringify(smallPack({ version: '9000.1.0' })));
    expect((await fenliu('--data-dir', d, 'rules', 'sign', packFile, '--private-key', keyFile, '--key-id', 'nanbu')).code).toBe(0);
    expect((await fenliu('--data-dir', d, 'rules', 'verify', packFile)).err[0]).toMatch(/key "nanbu", which is not among the trusted keys/);
    const config = join(d, 'config.json');
    writeFileSync(config, JSON.stringify({ rules: { trustedKeys: [trustedKey] } }));
    const verified = await fenliu('--data-dir', d, '--config', config, 'rules', 'verify', packFile, '--json');
    expect(verified.json()[0]).toMatchObject({ ok: true, signer: 'nanbu', version: '9000.1.0' });
    const imported = await fenliu('--data-dir', d, '--config', config, 'rules', 'import', packFile, '--json');
    expect(imported.json()[0]).toMatchObject({ signer: 'nanbu' });
  });

  it('tests labelled notes: recall, precision, target accuracy, confusion table and misses', async () => {
    const d = tempDir();
    const human = await fenliu('--data-dir', d, 'rules', 'test', DEV_NOTES);
    expect(human.code).toBe(0);
    expect(human.out.join('\n')).toMatch(/red-flag recall 100\.0%.*precision/);
    expect(human.out.join('\n')).toMatch(/confusion/);
    const notes = join(d, 'notes.jsonl');
    writeFileSync(notes, `${JSON.stringify({ note: '报警人称五金店卖的菜刀生锈了', targets: ['civic'], redFlag: false })}\n${JSON.stringify({ note: '报警人称楼上很吵', targets: ['110'], redFlag: true })}\n`);
    const json = (await fenliu('--data-dir', d, 'rules', 'test', notes, '--json')).json()[0];
    expect(json).toMatchObject({ notes: 2, redFlags: { expected: 1, caught: 0, recall: 0 }, targetAccuracy: 0.5 });
    expect(json.misses).toMatchObject([{ line: 2, kinds: ['red flag missed', 'wrong target'] }]);
    const bad = join(d, 'bad.jsonl');
    writeFileSync(bad, '{"note":"x","targets":["police"],"redFlag":false}\n');
    const refused = await fenliu('--data-dir', d, 'rules', 'test', bad);
    expect(refused.code).toBe(2);
    expect(refused.err[0]).toMatch(/bad\.jsonl:1: targets\.0: /);
  });
});

describe('fenliu classify', () => {
  it('explains the suggestion for one note', async () => {
    const d = tempDir();
    const r = await fenliu('--data-dir', d, 'classify', '--json', '报警人称讨债的人拿着铁棍在门口砸门');
    expect(r.code).toBe(0);
    expect(r.json()[0]).toMatchObject({ target: '110', redFlag: true, redFlags: expect.arrayContaining([expect.objectContaining({ code: 'weapon' })]), rulesVersion: expect.any(String) });
    const human = await fenliu('--data-dir', d, 'classify', '报警人称小区已经停电四个小时');
    expect(human.out[0]).toMatch(/^civic .*civic\.utility/);
    expect((await fenliu('--data-dir', d, 'classify')).code).toBe(2);
  });

  it('classifies one JSON line per input line, in order, with --stdin', () => {
    const d = tempDir();
    const bin = new URL('../../../bin/fenliu.mjs', import.meta.url).pathname;
    const run = spawnSync(process.execPath, [bin, '--data-dir', d, 'classify', '--stdin', '--json'], {
      input: '报警人称小区已经停电四个小时\n\n報警人稱樓道裡一股瓦斯味\n',
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.target, l.redFlag])).toEqual([['civic', false], ['110', false], ['119', true]]);
    for (const l of lines) expect(Object.keys(l)).toEqual(expect.arrayContaining(['target', 'targetNumber', 'category', 'redFlag', 'redFlags', 'matched', 'rulesVersion']));
  });
});
