// The real bundled main process (tools/build-electron.mjs → main.cjs), run in Node with a recording stand-in for
// the electron module (tests/support/electron/fake-electron.cjs): the window gets the security settings, the page
// is served with the CSP, a transfer sent over the shell's IPC handler and one from the keyboard key both land in
// the database, bad and foreign messages are refused, and quitting closes the desk cleanly (exit 0).
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../support/desk/fixtures';

const root = resolve(__dirname, '../../..');
const NOTE_SCREEN = '楼上装修噪音太大，影响休息';
const NOTE_KEY = '邻居欠钱不还，米粉店纠纷';

let work: string;
let run: { code: number | null; stdout: string; stderr: string; record: any };
let outDir: string;

beforeAll(async () => {
  work = tempDir('fenliu-main-bundle-');
  outDir = join(work, 'dist-main', 'electron');
  const { buildElectron } = (await import(pathToFileURL(join(root, 'tools/build-electron.mjs')).href)) as {
    buildElectron(o: { outDir: string; logLevel: string }): Promise<{ main: string }>;
  };
  const { main } = await buildElectron({ outDir, logLevel: 'error' });
  // The app folder as Electron sees it unpackaged: the screen (a stand-in page) and the assets (rules pack, icons).
  mkdirSync(join(work, 'dist-renderer'));
  writeFileSync(join(work, 'dist-renderer', 'index.html'), '<!doctype html><section class="call-card"></section>');
  symlinkSync(join(root, 'assets'), join(work, 'assets'));
  const dataDir = join(work, 'data');
  // The pedal key closes the call as "kept": a result that does not depend on what the rules pack says of the note.
  mkdirSync(dataDir);
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ keys: { keyboard: { accelerator: 'F13', action: 'keep' } } }));
  run = await new Promise((done) => {
    execFile(
      process.execPath,
      ['--require', join(root, 'tests/support/electron/fake-electron.cjs'), main, `--data-dir=${dataDir}`],
      { env: { ...process.env, NODE_PATH: join(root, 'node_modules'), FAKE_APP_PATH: work, FAKE_NOTE_SCREEN: NOTE_SCREEN, FAKE_NOTE_KEY: NOTE_KEY, FENLIU_MACHINE_CONFIG: join(work, 'none.json') }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('FAKE_ELECTRON_RESULT '));
        done({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr, record: line ? JSON.parse(line.slice(21)) : null });
      },
    );
  });
}, 90_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('bundled main process', () => {
  it('comes up, plays the window’s part and exits 0 after a clean shutdown', () => {
    expect(run.record, run.stderr).not.toBeNull();
    expect(run.record.errors, JSON.stringify(run.record.errors)).toEqual([]);
    expect(run.code).toBe(0);
    const log = readFileSync(join(work, 'data', 'logs', 'fenliu.log'), 'utf8');
    expect(log).toContain('desk closed cleanly');
    expect(log).not.toContain(NOTE_SCREEN);
  });

  it('creates the window with the security settings and loads fenliu://desk', () => {
    const [options] = run.record.windows;
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false, preload: join(outDir, 'preload.cjs') });
    expect(run.record.loadedUrl).toBe('fenliu://desk/index.html');
    expect(run.record.privileged).toEqual([expect.objectContaining({ scheme: 'fenliu' })]);
    expect(run.record.sessionHardened.blocked).toEqual(expect.arrayContaining(['https://*/*']));
    expect(run.record.steps.permissionGranted).toBe(false);
    expect(run.record.steps.page).toMatchObject({ status: 200, csp: expect.stringContaining("script-src 'self'"), body: expect.stringContaining('call-card') });
  });

  it('commits the screen’s transfer, and the keyboard key’s action, to the database', () => {
    expect(run.record.steps.screenTransfer).toMatchObject({ id: 2, ok: true, result: { kind: 'transferred' } });
    expect(run.record.steps.shortcutsBound).toEqual(['F13']);
    const db = new Database(join(work, 'data', 'fenliu.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT note, target, trigger FROM transfers').all()).toEqual([{ note: NOTE_SCREEN, target: 'civic', trigger: 'screen' }]);
      expect(db.prepare("SELECT note FROM calls WHERE disposition = 'kept'").all()).toEqual([{ note: NOTE_KEY }]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    expect(run.record.sent.map((s: { event: string }) => s.event)).toContain('transferCommitted');
  });

  it('refuses a bad message and a message from another page', () => {
    expect(run.record.steps.badMessage).toMatchObject({ id: 3, ok: false, error: { code: 'bad-request', message: expect.stringContaining('args.target') } });
    expect(run.record.steps.untrusted).toMatchObject({ ok: false, error: { message: 'refused: the message did not come from the desk window' } });
  });
});
