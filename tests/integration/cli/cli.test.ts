// The fenliu CLI as an IT admin or a supervisor uses it: real data dir, real SQLite, real classifier.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { main } from '../../../src-main/cli/main';
import { tempDir } from '../../support/desk/fixtures';

async function fenliu(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => void out.push(s), err: (s) => void err.push(s) });
  return { code, out, err, json: () => out.map((l) => JSON.parse(l)) };
}

describe('fenliu transfer / transfers / stats / audit', () => {
  it('transfers a civic call, refuses to send it twice, and lists it', async () => {
    const d = tempDir();
    const first = await fenliu('--data-dir', d, 'transfer', '--note', '报警人称楼上邻居装修噪音太大，晚上十一点还在施工', '--call-id', 'c1', '--caller', '13800000000', '--json');
    expect(first.code).toBe(0);
    const t = first.json()[0];
    expect(t).toMatchObject({ result: 'transferred', target: 'civic', callId: 'c1', callerNumber: '13800000000', status: 'queued' });
    expect(t.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    const again = await fenliu('--data-dir', d, 'transfer', '--note', '报警人称楼上邻居装修噪音太大', '--call-id', 'c1', '--json');
    expect(again.code).toBe(0);
    expect(again.json()[0]).toMatchObject({ result: 'already', id: t.id });
    const list = await fenliu('--data-dir', d, 'transfers', '--json');
    expect(list.json()).toHaveLength(1);
    expect(list.json()[0]).toMatchObject({ id: t.id, callId: 'c1', target: 'civic', status: 'queued' });
    expect((await fenliu('--data-dir', d, 'transfers', '--status', 'sent', '--json')).out).toEqual([]);
  });

  it('keeps police calls and refuses red flags to civic with exit 3; an override reason is recorded', async () => {
    const d = tempDir();
    const police = await fenliu('--data-dir', d, 'transfer', '--note', '报警人称有人持刀在小区里追砍');
    expect(police.code).toBe(3);
    expect(police.out.join('\n')).toMatch(/留在110/);
    const refused = await fenliu('--data-dir', d, 'transfer', '--note', '报警人称催债的人拿着刀堵在门口', '--target', 'civic');
    expect(refused.code).toBe(3);
    expect(refused.err.join('\n')).toMatch(/红色警示/);
    const overridden = await fenliu('--data-dir', d, 'transfer', '--note', '报警人称催债的人拿着刀堵在门口', '--target', 'civic', '--override-reason', '回拨核实：刀是店里卖的菜刀', '--json');
    expect(overridden.code).toBe(0);
    expect(overridden.json()[0]).toMatchObject({ redFlag: true, override: { reason: '回拨核实：刀是店里卖的菜刀' } });
    const stats = await fenliu('--data-dir', d, 'stats', '--json');
    expect(stats.json()[0]).toMatchObject({ overrides: 1, transfersByTarget: { civic: 1 } });
  });

  it('answers bad usage with exit 2 and one line', async () => {
    const d = tempDir();
    const noNote = await fenliu('--data-dir', d, 'transfer');
    expect(noNote.code).toBe(2);
    expect(noNote.err).toEqual(['fenliu transfer: --note TEXT is required']);
    const badTarget = await fenliu('--data-dir', d, 'transfer', '--note', 'x', '--target', '12345');
    expect(badTarget.code).toBe(2);
    expect(badTarget.err[0]).toMatch(/--target: "12345" is not one of/);
    const unknown = await fenliu('--data-dir', d, 'transfer', '--note', 'x', '--bogus');
    expect(unknown.code).toBe(2);
    expect((await fenliu('nonsense')).code).toBe(2);
  });

  it('refuses a bad config file with one line naming the file and the field (exit 2)', async () => {
    const d = tempDir();
    const file = join(d, 'bad.json');
    writeFileSync(file, JSON.stringify({ desk: { id: '' } }));
    const r = await fenliu('--data-dir', d, '--config', file, 'transfer', '--note', '想吃米粉');
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toContain(`${file}: desk.id:`);
  });

  it('audit verify passes, then fails naming the row after one audit row is edited', async () => {
    const d = tempDir();
    await fenliu('--data-dir', d, 'transfer', '--note', '报警人称快递丢了商家不赔', '--call-id', 'a');
    await fenliu('--data-dir', d, 'transfer', '--note', '报警人称单位拖欠工资三个月', '--call-id', 'b');
    const ok = await fenliu('--data-dir', d, 'audit', 'verify');
    expect(ok.code).toBe(0);
    const db = new Database(join(d, 'fenliu.db'));
    db.exec('DROP TRIGGER audit_log_no_update');
    const row = db.prepare("SELECT seq FROM audit_log WHERE kind = 'transfer' ORDER BY seq LIMIT 1").get() as { seq: number };
    db.prepare("UPDATE audit_log SET detail = replace(detail, 'civic', '119') WHERE seq = ?").run(row.seq);
    db.close();
    const broken = await fenliu('--data-dir', d, 'audit', 'verify');
    expect(broken.code).toBe(1);
    expect(broken.err[0]).toMatch(new RegExp(`BROKEN at row ${row.seq}:`));
  });
});
