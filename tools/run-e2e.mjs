#!/usr/bin/env node
// `npm run test:e2e`: builds the renderer when it is missing or older than its sources, then runs the end-to-end
// tests (vitest.e2e.config.ts) in Debian's Chromium. Exits non-zero when anything fails, Chromium missing included.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const chromium = process.env.FENLIU_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`run-e2e: no Chromium at ${chromium}; install Debian's (apt-get install chromium) or set FENLIU_CHROMIUM.`);
  process.exit(1);
}

const run = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

// The freshness check is TypeScript (shared with the tests); run it through tsx.
const fresh = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--eval', "import('./tests/support/browser/renderer-build.ts').then(m => process.exit(m.rendererIsFresh() ? 0 : 3))"],
  { cwd: root, stdio: 'inherit' },
).status;
if (fresh !== 0) {
  console.error('run-e2e: building the renderer (vite build)…');
  const built = run([fileURLToPath(new URL('../node_modules/vite/bin/vite.js', import.meta.url)), 'build', '--logLevel', 'warn']);
  if (built !== 0) process.exit(built);
}

const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
process.exit(run([vitest, 'run', '--config', 'vitest.e2e.config.ts', ...process.argv.slice(2)]));
