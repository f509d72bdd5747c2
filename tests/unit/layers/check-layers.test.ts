import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
// @ts-expect-error plain ESM tool without types
import { checkLayers } from '../../../tools/check-layers.mjs';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'fenliu-layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('layering check', () => {
  it('passes on the real source tree', () => {
    expect(checkLayers(join(__dirname, '../../..'))).toEqual([]);
  });

  it('fails when the core imports electron or react', () => {
    const root = tree({
      'src-main/core/a.ts': "import { app } from 'electron';\n",
      'src-main/core/b.ts': "import React from 'react';\n",
    });
    const v = checkLayers(root) as string[];
    expect(v).toHaveLength(2);
    expect(v[0]).toMatch(/core may not import electron/);
  });

  it('fails when the core reaches up into an adapter', () => {
    const root = tree({ 'src-main/core/a.ts': "import { x } from '../cli/main';\n", 'src-main/cli/main.ts': 'export const x = 1;\n' });
    expect(checkLayers(root)).toEqual(['src-main/core/a.ts:1: core may not import cli ("../cli/main")']);
  });

  it('fails when the renderer imports Node-only code or API values, allows API types', () => {
    const root = tree({
      'src-renderer/a.ts': "import { readFileSync } from 'node:fs';\nimport Database from 'better-sqlite3';\n",
      'src-renderer/b.ts': "import { deskCommandSchemas } from '../src-main/api/contract';\n",
      'src-renderer/c.ts': "import type { DeskClient } from '../src-main/api/contract';\nimport { type DeskEvents } from '../src-main/api/contract';\n",
      'src-renderer/d.ts': "import { Desk } from '../src-main/core/desk';\n",
      'src-main/api/contract.ts': 'export const deskCommandSchemas = {};\nexport type DeskClient = {};\nexport type DeskEvents = {};\n',
      'src-main/core/desk.ts': 'export class Desk {}\n',
    });
    const v = (checkLayers(root) as string[]).join('\n');
    expect(v).toMatch(/a\.ts:1: the renderer may not import Node-only code \("node:fs"\)/);
    expect(v).toMatch(/a\.ts:2: the renderer may not import Node-only code \("better-sqlite3"\)/);
    expect(v).toMatch(/b\.ts:1: the renderer may import the Desk API's types only/);
    expect(v).toMatch(/d\.ts:1: renderer may not import core/);
    expect(v).not.toMatch(/c\.ts/);
  });
});
