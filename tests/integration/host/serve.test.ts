// `fenliu serve` as a process: prints its address with a token, serves the screen, stops cleanly on SIGTERM/SIGINT.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../../support/desk/fixtures';

const FENLIU = fileURLToPath(new URL('../../../bin/fenliu.mjs', import.meta.url));

function setup() {
  const dir = tempDir('fenliu-serve-');
  const renderer = join(dir, 'renderer');
  mkdirSync(renderer);
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>fenliu screen</title>');
  const env = { ...process.env, FENLIU_MACHINE_CONFIG: join(dir, 'no-machine-config.json'), FENLIU_RENDERER_DIR: renderer };
  return { dir, env };
}

async function serveUntil(signal: NodeJS.Signals) {
  const { dir, env } = setup();
  const child = spawn(process.execPath, [FENLIU, '--data-dir', join(dir, 'data'), 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', () => reject(new Error('serve exited before printing its address')));
  });
  const page = await fetch(url);
  const body = await page.text();
  child.kill(signal);
  return { url, status: page.status, body, code: await exited, dir };
}

describe('fenliu serve', () => {
  it('prints http://127.0.0.1:PORT/?token=… and serves the screen; SIGTERM closes the desk cleanly', async () => {
    const run = await serveUntil('SIGTERM');
    expect(run.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
    expect(run.status).toBe(200);
    expect(run.body).toContain('fenliu screen');
    expect(run.code).toBe(0);
    // A clean close checkpoints and removes the write-ahead log.
    expect(existsSync(join(run.dir, 'data', 'fenliu.db'))).toBe(true);
    expect(existsSync(join(run.dir, 'data', 'fenliu.db-wal'))).toBe(false);
  });

  it('gives a new token at every start, and stops on SIGINT too', async () => {
    const a = await serveUntil('SIGINT');
    const b = await serveUntil('SIGINT');
    expect(a.code).toBe(0);
    expect(new URL(a.url).searchParams.get('token')).not.toBe(new URL(b.url).searchParams.get('token'));
  });

  it('says in one sentence how to build the screen when it is missing', () => {
    const { dir, env } = setup();
    const result = spawnSync(process.execPath, [FENLIU, '--data-dir', join(dir, 'data'), 'serve'], { env: { ...env, FENLIU_RENDERER_DIR: join(dir, 'missing') }, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('npm run build:renderer');
  });

  it('refuses a bad port with exit code 2', () => {
    const { dir, env } = setup();
    const result = spawnSync(process.execPath, [FENLIU, '--data-dir', join(dir, 'data'), 'serve', '--port', 'http'], { env, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--port');
  });
});
