import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDeskLogger, LOG_FILE_NAME, logsDir, RotatingFileDestination } from '../../../src-main/core/logging';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fenliu-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('rotating log file', () => {
  it('rotates by size, keeps the configured number of old files and loses no line', () => {
    const file = join(dir, 'logs', LOG_FILE_NAME);
    const dest = new RotatingFileDestination({ file, maxBytes: 2048, keep: 2 });
    const line = (i: number) => `${JSON.stringify({ i, pad: 'x'.repeat(90) })}\n`;
    for (let i = 0; i < 100; i += 1) dest.write(line(i));
    dest.close();
    const names = readdirSync(join(dir, 'logs')).sort();
    expect(names).toEqual([LOG_FILE_NAME, `${LOG_FILE_NAME}.1`, `${LOG_FILE_NAME}.2`]);
    for (const name of names) expect(readFileSync(join(dir, 'logs', name)).length).toBeLessThanOrEqual(2048);
    // The newest lines are in the live file, in order, each whole.
    const live = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).i as number);
    expect(live[live.length - 1]).toBe(99);
    const older = readFileSync(`${file}.1`, 'utf8').trim().split('\n').map((l) => JSON.parse(l).i as number);
    expect(older[older.length - 1]).toBe(live[0]! - 1);
  });

  it('appends to an existing file after a restart instead of truncating it', () => {
    const file = join(dir, LOG_FILE_NAME);
    const first = new RotatingFileDestination({ file });
    first.write('one\n');
    first.close();
    const second = new RotatingFileDestination({ file });
    second.write('two\n');
    second.close();
    expect(readFileSync(file, 'utf8')).toBe('one\ntwo\n');
  });
});

describe('desk logger', () => {
  const readLog = () => readFileSync(join(logsDir(dir), LOG_FILE_NAME), 'utf8');

  it('never writes tokens or passphrases, and reduces notes to their length at info level', () => {
    const { logger, close } = createDeskLogger({ dataDir: dir, level: 'info' });
    logger.info(
      { upstream: { url: 'https://x.example', token: 'sekrit-token-1' }, note: '张三家门口有人吵架', transfer: { id: 't1', note: '楼上漏水' } },
      'transfer committed',
    );
    logger.warn({ request: { headers: { authorization: 'Bearer sekrit-token-2' } }, clientCert: { passphrase: 'pfx-pass' } }, 'upstream refused');
    close();
    const text = readLog();
    expect(text).toContain('transfer committed');
    expect(text).toContain('https://x.example');
    for (const secret of ['sekrit-token-1', 'sekrit-token-2', 'pfx-pass', '张三家门口有人吵架', '楼上漏水']) expect(text).not.toContain(secret);
    expect(text).toContain('[9 chars]');
  });

  it('shows full notes only when IT raised the level to debug, and still hides secrets', () => {
    const { logger, close } = createDeskLogger({ dataDir: dir, level: 'debug' });
    logger.debug({ note: '楼上漏水', token: 'sekrit' }, 'classified');
    close();
    const text = readLog();
    expect(text).toContain('楼上漏水');
    expect(text).not.toContain('sekrit');
  });

  it('drops lines below the configured level', () => {
    const { logger, close } = createDeskLogger({ dataDir: dir, level: 'warn' });
    logger.info({}, 'routine');
    logger.warn({}, 'attention');
    close();
    expect(readLog()).not.toContain('routine');
    expect(readLog()).toContain('attention');
  });
});
