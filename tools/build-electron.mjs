#!/usr/bin/env node
// Builds the Electron main process and preload with esbuild (installed with vite and tsx):
//   dist-main/electron/main.cjs     the shell + core, CommonJS; npm dependencies stay external (node_modules is
//                                   packaged beside it, native modules unpacked from the asar)
//   dist-main/electron/preload.cjs  the sandboxed preload: one self-contained file that requires only 'electron'
// Usage: node tools/build-electron.mjs [--out DIR]
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Packages resolved at run time from node_modules rather than bundled. */
export function externalPackages() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return ['electron', ...Object.keys(pkg.dependencies ?? {})];
}

export async function buildElectron({ outDir = join(root, 'dist-main', 'electron'), logLevel = 'warning' } = {}) {
  const common = { bundle: true, format: 'cjs', sourcemap: 'linked', logLevel, absWorkingDir: root, legalComments: 'none' };
  await build({
    ...common,
    entryPoints: [join(root, 'src-main/electron/main.ts')],
    outfile: join(outDir, 'main.cjs'),
    platform: 'node',
    target: 'node20',
    external: externalPackages(),
    // Core modules that locate files with import.meta.url get this bundle's own URL instead of undefined.
    define: { 'import.meta.url': '__fenliu_import_meta_url' },
    banner: { js: "const __fenliu_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  });
  await build({
    ...common,
    entryPoints: [join(root, 'src-main/electron/preload.ts')],
    outfile: join(outDir, 'preload.cjs'),
    platform: 'browser',
    target: 'chrome130',
    external: ['electron'],
  });
  return { main: join(outDir, 'main.cjs'), preload: join(outDir, 'preload.cjs') };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outFlag = process.argv.indexOf('--out');
  const outDir = outFlag > 0 ? resolve(process.argv[outFlag + 1]) : undefined;
  try {
    const out = await buildElectron(outDir ? { outDir } : {});
    console.log(`built ${out.main}\nbuilt ${out.preload}`);
  } catch (error) {
    console.error(`build-electron: ${error.message}`);
    process.exit(1);
  }
}
