// Bad configuration files, property-based: whatever IT (or a broken editor) writes into config.json, loading it
// either yields a valid configuration or refuses with one line naming the file and the field — never a crash, and
// the user's file is never changed by reading it or by a refused settings change.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, configSources, loadConfig, updateUserConfig } from '../../../src-main/core/config/load';
import { deskConfigSchema } from '../../../src-main/core/config/schema';
import { tempDir } from '../../support/desk/fixtures';
import { mutationsOf, oddJson, type Json } from '../../support/faults/mutate';

const dataDir = tempDir('fenliu-config-fuzz-');
const userFile = join(dataDir, 'config.json');
const env = { FENLIU_MACHINE_CONFIG: join(dataDir, 'no-machine.json') };
const sources = configSources(dataDir, undefined, env);

const example = JSON.parse(readFileSync(join(__dirname, '../../../assets/config.example.json'), 'utf8')) as Json;

/** Loads; returns 'ok' or the refusal's message. Anything else than ConfigError fails the property. */
function load(): { ok: true } | { ok: false; message: string } {
  try {
    const config = loadConfig(sources);
    // What it returns is a configuration the schema accepts as it is.
    expect(deskConfigSchema.safeParse(config).success).toBe(true);
    return { ok: true };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { ok: false, message: error.message };
  }
}

function expectClearRefusal(message: string): void {
  expect(message.startsWith(`${userFile}: `), message).toBe(true);
  expect(message).not.toContain('\n');
  // After the file: a field path (or "(top level)"), or what is wrong with the file as a whole.
  expect(message.slice(userFile.length + 2)).toMatch(/^(\(top level\)|[\w$.-]+|not valid JSON|must hold a JSON object|cannot be read)/);
}

describe('config files, property-based', () => {
  it('the example config with one spot changed: valid, or refused naming file and field; the file stays as written', () => {
    let refused = 0;
    fc.assert(
      fc.property(mutationsOf(example), (doc) => {
        const text = JSON.stringify(doc, null, 2);
        writeFileSync(userFile, text);
        const result = load();
        if (!result.ok) {
          refused += 1;
          expectClearRefusal(result.message);
        }
        expect(readFileSync(userFile, 'utf8')).toBe(text);
      }),
      { numRuns: 300, seed: 8 },
    );
    // The mutations do reach the refusals (and not only: some changes are harmless).
    expect(refused).toBeGreaterThan(150);
    expect(refused).toBeLessThan(300);
  });

  it('any JSON value or any text at all: refused with the file named, never a crash', () => {
    const text = fc.oneof(
      oddJson.map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.constantFrom('\uFEFF{}', '{"undoWindowMs": 1e999}', '{"__proto__": {"x": 1}}', '{"constructor": {"prototype": {}}}', '{'.repeat(5000)),
    );
    fc.assert(
      fc.property(text, (t) => {
        writeFileSync(userFile, t);
        const result = load();
        if (!result.ok) expectClearRefusal(result.message);
        expect(readFileSync(userFile, 'latin1')).toBe(Buffer.from(t, 'utf8').toString('latin1'));
        // A prototype key in the file never reaches Object.prototype.
        expect(({} as Record<string, unknown>).x).toBeUndefined();
      }),
      { numRuns: 300, seed: 9 },
    );
  });

  it('a settings change the schema refuses leaves the user file byte for byte as it was', () => {
    const good = JSON.stringify({ locale: 'en', desk: { operatorId: 'op7' } }, null, 2);
    let patches = 0;
    let refusals = 0;
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('locale', 'keys', 'undoWindowMs', 'desk', 'upstream', 'bogus'), oddJson, { minKeys: 1, maxKeys: 3 }), (patch) => {
        writeFileSync(userFile, good);
        patches += 1;
        try {
          updateUserConfig(userFile, patch as Record<string, unknown>);
          // Accepted: the file now holds a valid configuration.
          expect(load().ok).toBe(true);
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          refusals += 1;
          expectClearRefusal(error.message);
          expect(readFileSync(userFile, 'utf8')).toBe(good);
        }
      }),
      { numRuns: 200, seed: 10 },
    );
    expect(refusals).toBeGreaterThan(patches / 2);
  });
});
