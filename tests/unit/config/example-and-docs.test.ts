// The annotated example IT copies must be a valid configuration, and every field the schema accepts must be
// documented in docs/configuration.md (a new field without a doc line fails here).
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { configSources, loadConfig } from '../../../src-main/core/config/load';
import { deskConfigSchema } from '../../../src-main/core/config/schema';
import { tempDir } from '../../support/desk/fixtures';

const root = resolve(__dirname, '../../..');
const example = join(root, 'assets/config.example.json');

type AnySchema = z.ZodType & { _zod: { def: Record<string, any> } };
const WRAPPERS = ['default', 'prefault', 'optional', 'nullable', 'pipe', 'readonly', 'catch'];

function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  while (WRAPPERS.includes(s._zod.def.type)) s = s._zod.def.type === 'pipe' ? s._zod.def.in : s._zod.def.innerType;
  return s;
}

/** Every leaf field of the schema as a dotted path: `keys.devices[].buttons`, `targets.<code>.number`. */
function fieldPaths(schema: AnySchema, prefix = ''): string[] {
  const s = unwrap(schema);
  const def = s._zod.def;
  const isObject = (x: AnySchema) => unwrap(x)._zod.def.type === 'object';
  if (def.type === 'object') return Object.entries(def.shape as Record<string, AnySchema>).flatMap(([k, v]) => fieldPaths(v, prefix ? `${prefix}.${k}` : k));
  if (def.type === 'array') return isObject(def.element) ? fieldPaths(def.element, `${prefix}[]`) : [prefix];
  if (def.type === 'record') return isObject(def.valueType) ? fieldPaths(def.valueType, `${prefix}.<code>`) : [prefix];
  if (def.type === 'union') return [...new Set((def.options as AnySchema[]).flatMap((o) => fieldPaths(o, prefix)))];
  return [prefix];
}

describe('assets/config.example.json', () => {
  it('loads as a machine-wide file with its $comment notes, and sets what it shows', () => {
    const dir = tempDir();
    const config = loadConfig(configSources(dir, undefined, { FENLIU_MACHINE_CONFIG: example }));
    expect(config.desk.id).toBe('nanbu-110-03');
    expect(config.upstream.url).toBe('https://linkage.example-county.gov.cn/api');
    expect(config.keys.keyboard.otherKeys).toEqual([{ accelerator: 'F14', action: 'undo' }]);
    expect(config.ui).toEqual({ alwaysOnTop: true, startAtLogin: true });
  });

  it('carries no secret a desk could pick up by copying it', () => {
    const json = JSON.parse(readFileSync(example, 'utf8'));
    expect(json.upstream.token).toBeUndefined();
  });

  it('a misspelt field is still refused, $comment notes or not', () => {
    const dir = tempDir();
    const file = join(dir, 'machine.json');
    writeFileSync(file, JSON.stringify({ $comment: 'x', ui: { $comment: 'y', alwaysOnTopp: true } }));
    expect(() => loadConfig(configSources(dir, undefined, { FENLIU_MACHINE_CONFIG: file }))).toThrow(/machine\.json: ui: .*alwaysOnTopp/);
  });
});

describe('docs/configuration.md', () => {
  const doc = readFileSync(join(root, 'docs/configuration.md'), 'utf8');
  const paths = fieldPaths(deskConfigSchema as unknown as AnySchema);

  it('finds the schema’s fields (the walk itself works)', () => {
    expect(paths).toEqual(expect.arrayContaining(['desk.id', 'upstream.clientCert.passphrase', 'keys.keyboard.otherKeys[].action', 'targets.<code>.number']));
    expect(paths.length).toBeGreaterThan(25);
  });

  it('documents every field in its table', () => {
    const missing = paths.filter((p) => !doc.includes(`| \`${p}\` |`));
    expect(missing).toEqual([]);
  });
});
