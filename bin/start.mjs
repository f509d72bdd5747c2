#!/usr/bin/env node
// `npm start`: the Electron desk where Electron's binary is installed; otherwise one plain sentence and the browser
// desk (`fenliu serve`). Never a stack trace. Arguments after `npm start --` go to the desk (e.g. --data-dir DIR).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

/** The Electron executable, or null: require('electron') returns its path, and throws when it was never downloaded. */
function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function fail(sentence) {
  console.error(sentence);
  process.exit(1);
}

/** Runs a child with our stdio and exits with its code; Ctrl+C and termination reach it. */
function handOver(command, commandArgs) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => fail(`无法启动 / cannot start: ${command} (${error.code ?? error.message})`));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

// Both desks show the same built screen; build it once on a fresh checkout.
if (!existsSync(join(root, 'dist-renderer/index.html'))) {
  const screen = spawnSync('npm', ['run', 'build:renderer'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (screen.status !== 0) fail('界面构建失败，见上方输出。 / Building the screen failed; see the output above.');
}

const electron = electronBinary();
if (!electron) {
  console.log('未安装 Electron 程序，现在启动浏览器版分流台。 / Electron is not installed here, so the browser desk starts instead.');
  handOver(process.execPath, [join(root, 'bin/fenliu.mjs'), 'serve', ...args]);
} else {
  const shell = spawnSync(process.execPath, [join(root, 'tools/build-electron.mjs')], { cwd: root, stdio: 'inherit' });
  if (shell.status !== 0) fail('桌面程序构建失败，见上方输出。 / Building the desk shell failed; see the output above.');
  // Chromium refuses to run as root with its sandbox; root is a developer's container, never a call-taker's desk.
  const rootUser = typeof process.getuid === 'function' && process.getuid() === 0;
  handOver(electron, ['.', ...(rootUser ? ['--no-sandbox'] : []), ...args]);
}
