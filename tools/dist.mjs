#!/usr/bin/env node
// Builds the installable desk: `node tools/dist.mjs win` (on Windows: the MSI) or `node tools/dist.mjs linux`
// (AppImage + deb). Steps: screen (vite build) → shell (tools/build-electron.mjs) → better-sqlite3 rebuilt for
// Electron's ABI (only it: node-hid loads its N-API prebuilds) → electron-builder → better-sqlite3 rebuilt back
// for Node, so that `npm test` and the `fenliu` CLI keep working in this checkout.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The native modules rebuilt for Electron before packaging; node-hid must stay out (N-API prebuilds). */
export const REBUILD_FOR_ELECTRON = ['better-sqlite3'];

const TARGETS = {
  win: ['--win', 'msi', '--x64'],
  linux: ['--linux', 'AppImage', 'deb', '--x64'],
};

function run(what, command, args) {
  console.log(`\n> ${what}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status ?? result.signal})`);
}

async function main(platform) {
  const target = TARGETS[platform];
  if (!target) {
    console.error('usage: node tools/dist.mjs win|linux');
    process.exit(2);
  }
  const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
  run('screen', 'npm', ['run', 'build:renderer']);
  run('shell', process.execPath, [join(root, 'tools/build-electron.mjs')]);
  try {
    console.log(`\n> rebuild ${REBUILD_FOR_ELECTRON.join(', ')} for Electron ${electronVersion}`);
    const { rebuild } = await import('@electron/rebuild');
    await rebuild({ buildPath: root, electronVersion, arch: 'x64', onlyModules: REBUILD_FOR_ELECTRON, force: true });
    run('package', process.execPath, [join(root, 'node_modules/electron-builder/cli.js'), ...target, '--config', 'electron-builder.yml', '--publish', 'never']);
  } finally {
    run('restore Node build', 'npm', ['rebuild', ...REBUILD_FOR_ELECTRON]);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv[2]).catch((error) => {
    console.error(`dist: ${error.message}`);
    process.exit(1);
  });
}
