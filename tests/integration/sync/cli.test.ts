// `fenliu sync`: prints what it did, exits 0 only when nothing is left to send, and takes the token from the
// flag, the environment or the configuration.
import { afterEach, describe, expect, it } from 'vitest';
import { command as sync } from '../../../src-main/cli/commands/sync';
import { UsageError } from '../../../src-main/cli/command';
import { startUpstream, type Upstream } from '../../support/upstream/server';
import { makeTransfers, openTestDb, outboxCount, syncConfig } from '../../support/upstream/desk-fixture';
import { cliContext } from '../../support/upstream/cli-context';
import { openDatabase } from '../../../src-main/core/store/database';

let up: Upstream | null = null;
afterEach(async () => {
  await up?.stop();
  up = null;
  delete process.env.FENLIU_UPSTREAM_TOKEN;
});

function desk(count: number) {
  const { db, dir, file } = openTestDb();
  const ids = makeTransfers(db, count);
  db.close();
  return { dir, file, ids };
}

describe('fenliu sync', () => {
  it('pushes and pulls, prints the counts as JSON and exits 0 when the outbox is empty', async () => {
    up = await startUpstream({ autoReceive: true });
    up.pushInbox({ summary: '群众反映有人落水' });
    const { dir, file } = desk(250);
    const { ctx, out } = cliContext(dir, syncConfig({}), { upstream: up.url, token: up.token, json: true });
    expect(await sync.run(ctx)).toBe(0);
    expect(JSON.parse(out[0]!)).toEqual({ pushed: 250, duplicates: 0, rejected: 0, updates: 250, inbox: 1, pending: 0, lastError: null });
    const db = openDatabase(file);
    expect(outboxCount(db)).toBe(0);
    db.close();
  });

  it('exits 1 with the reason when the upstream cannot be reached', async () => {
    const { dir } = desk(3);
    const { ctx, out } = cliContext(dir, syncConfig({ url: 'http://127.0.0.1:9/api', token: 'tok-123456', timeoutMs: 1000 }), { json: true, timeout: '2' });
    expect(await sync.run(ctx)).toBe(1);
    expect(JSON.parse(out[0]!)).toMatchObject({ pushed: 0, pending: 3, lastError: '无法连接上级平台（连接被拒绝）' });
  });

  it('--until-empty keeps going with the backoff until the upstream is back', async () => {
    up = await startUpstream();
    up.queueFaultsOn('push', 'error-500', 'busy-503');
    const { dir } = desk(20);
    const { ctx, out, err } = cliContext(dir, syncConfig({ url: up.url }), { 'until-empty': true, timeout: '30' });
    process.env.FENLIU_UPSTREAM_TOKEN = up.token;
    expect(await sync.run(ctx)).toBe(0);
    expect(up.stored()).toHaveLength(20);
    expect(err.some((l) => l.includes('上级平台暂时故障（HTTP 500）') && l.includes('秒后重试'))).toBe(true);
    expect(out[0]).toBe('已送达 20 条（上级已有 0 条），被拒收 0 条；状态更新 0 条，收件 0 条；尚未送达 0 条');
  });

  it('refuses to run without an upstream or a token, or with a bad timeout', async () => {
    const { dir } = desk(0);
    await expect(sync.run(cliContext(dir, syncConfig({})).ctx)).rejects.toThrow(UsageError);
    await expect(sync.run(cliContext(dir, syncConfig({ url: 'https://linkage.test/api' })).ctx)).rejects.toThrow('no token');
    await expect(sync.run(cliContext(dir, syncConfig({}), { upstream: 'ftp://x', token: 'abcd' }).ctx)).rejects.toThrow('--upstream / upstream.url');
    await expect(sync.run(cliContext(dir, syncConfig({}), { upstream: 'https://x.test/api', token: 'abcd', timeout: 'soon' }).ctx)).rejects.toThrow('--timeout');
  });
});
