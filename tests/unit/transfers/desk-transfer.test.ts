import { describe, expect, it, beforeEach } from 'vitest';
import { join } from 'node:path';
import { Desk } from '../../../src-main/core/desk';
import { openDatabase, type Db } from '../../../src-main/core/store/database';
import { verifyAudit } from '../../../src-main/core/store/audit';
import { deskConfigSchema } from '../../../src-main/core/config/schema';
import { fakeRules } from '../../support/desk/fake-rules';
import { tempDir } from '../../support/desk/fixtures';

let now = 1_780_000_000_000;
let db: Db;
let desk: Desk;

function makeDesk(config = {}) {
  db = openDatabase(join(tempDir(), 'fenliu.db'));
  desk = new Desk({ db, config: deskConfigSchema.parse(config), rules: fakeRules(), now: () => now });
  return desk;
}

function count(sql: string): number {
  return (db.prepare(sql).get() as { n: number }).n;
}

beforeEach(() => {
  now = 1_780_000_000_000;
  makeDesk({ desk: { id: 'nanbu-110-03', operatorId: 'op7' } });
});

describe('the transfer key', () => {
  it('writes transfer, outbox row and audit row, and starts a fresh empty call', () => {
    desk.setNote({ note: '报警人称想要一碗米粉' });
    const committed: unknown[] = [];
    desk.on('transferCommitted', (e) => committed.push(e));
    const result = desk.transfer({ trigger: 'hid-key' });
    expect(result.kind).toBe('transferred');
    if (result.kind !== 'transferred') return;
    expect(result.transfer).toMatchObject({ target: 'civic', targetNumber: '24365', status: 'pending', trigger: 'hid-key', note: '报警人称想要一碗米粉' });
    expect(result.transfer.undoUntilMs).toBe(now + 5000);
    expect(count('SELECT count(*) AS n FROM transfers')).toBe(1);
    expect(count('SELECT count(*) AS n FROM outbox')).toBe(1);
    expect(count("SELECT count(*) AS n FROM audit_log WHERE kind = 'transfer'")).toBe(1);
    expect(committed).toHaveLength(1);
    expect(desk.snapshot().call.note).toBe('');
    expect(verifyAudit(db).ok).toBe(true);
  });

  it('says distinctly that a police call stays with 110 and writes nothing', () => {
    desk.setNote({ note: '有人在吵架' });
    const result = desk.transfer({ trigger: 'hid-key' });
    expect(result.kind).toBe('police');
    expect(count('SELECT count(*) AS n FROM transfers')).toBe(0);
    expect(desk.snapshot().call.note).toBe('有人在吵架');
  });

  it('refuses a red-flagged call to civic without a reason; with a reason the override is recorded and audited', () => {
    desk.setNote({ note: '讨债的拿着刀在门口' });
    const refused = desk.transfer({ target: 'civic' });
    expect(refused).toMatchObject({ kind: 'refused', reason: 'red-flag' });
    expect(count('SELECT count(*) AS n FROM transfers')).toBe(0);
    const done = desk.transfer({ target: 'civic', overrideReason: '核实为刀具店纠纷' });
    expect(done.kind).toBe('transferred');
    if (done.kind !== 'transferred') return;
    expect(done.transfer.override).toEqual({ reason: '核实为刀具店纠纷', by: 'op7' });
    expect(done.transfer.redFlag).toBe(true);
    expect(count("SELECT count(*) AS n FROM audit_log WHERE kind = 'transfer.override'")).toBe(1);
  });

  it('does not create a second transfer for a repeated press on the same call', () => {
    const first = desk.transferNow({ note: '想吃米粉', callId: 'call-1' }, {});
    const second = desk.transferNow({ note: '想吃米粉', callId: 'call-1' }, {});
    expect(first.kind).toBe('transferred');
    expect(second.kind).toBe('already');
    expect(count('SELECT count(*) AS n FROM transfers')).toBe(1);
  });

  it('sends a red-flagged fire call to 119 without any override', () => {
    desk.setNote({ note: '楼下着火了' });
    const result = desk.transfer({ trigger: 'keyboard' });
    expect(result).toMatchObject({ kind: 'transferred', transfer: { target: '119', redFlag: true, override: null } });
  });
});

describe('undo window', () => {
  it('cancels inside the window (audited, outbox row gone, call back on the card)', () => {
    desk.setNote({ note: '想吃米粉' });
    const result = desk.transfer({ trigger: 'hid-key' });
    now += 4000;
    const undo = desk.undo({});
    expect(undo).toMatchObject({ kind: 'undone', transfer: { status: 'cancelled' } });
    expect(count('SELECT count(*) AS n FROM outbox')).toBe(0);
    expect(count("SELECT count(*) AS n FROM audit_log WHERE kind = 'transfer.undo'")).toBe(1);
    expect(desk.snapshot().call.note).toBe('想吃米粉');
    // The same call can then be transferred again.
    expect(desk.transfer({ trigger: 'hid-key' }).kind).toBe('transferred');
    expect(result.kind).toBe('transferred');
  });

  it('lets the transfer stand after the window, and releases it to the sync queue', () => {
    desk.setNote({ note: '想吃米粉' });
    const result = desk.transfer({ trigger: 'hid-key' });
    if (result.kind !== 'transferred') throw new Error('expected a transfer');
    now += 5001;
    expect(desk.undo({ transferId: result.transfer.id })).toMatchObject({ kind: 'too-late' });
    expect(desk.listTransfers({})[0]).toMatchObject({ status: 'queued', undoUntilMs: null });
    expect(desk.syncState()).toMatchObject({ queued: 1, pending: 0 });
  });

  it('has nothing to undo when no transfer is held', () => {
    expect(desk.undo({})).toEqual({ kind: 'nothing' });
  });
});

describe('dispositions and statistics', () => {
  it('closes calls as kept or invalid, and counts them', () => {
    desk.setNote({ note: '有人打架' });
    desk.closeCall({ disposition: 'kept' });
    desk.setNote({ note: '' });
    desk.closeCall({ disposition: 'invalid' });
    desk.setNote({ note: '想吃米粉' });
    desk.transfer({});
    desk.setNote({ note: '欠钱不还' });
    desk.transfer({ target: '110' });
    const stats = desk.stats({});
    expect(stats.dispositions).toEqual({ transferred: 1, kept: 1, invalid: 1, open: 0 });
    expect(stats.transfersByTarget.civic).toBe(1);
    expect(stats.nonPoliceShare).toBeCloseTo(1 / 3);
    expect(stats.dispatchesSaved).toBe(1);
  });
});

describe('storage failures', () => {
  it('never reports a transfer that was not stored', () => {
    desk.setNote({ note: '想吃米粉' });
    // A read-only connection refuses writes the way a read-only data dir does.
    const file = db.name;
    const ro = openDatabase(file, { readonly: true });
    const roDesk = new Desk({ db: ro, config: deskConfigSchema.parse({}), rules: fakeRules(), now: () => now });
    roDesk.setNote({ note: '想吃米粉' });
    const storage: unknown[] = [];
    roDesk.on('storage', (s) => storage.push(s));
    const result = roDesk.transfer({ trigger: 'hid-key' });
    expect(result).toMatchObject({ kind: 'refused', reason: 'storage' });
    expect(roDesk.snapshot().storage.ok).toBe(false);
    expect(storage).toEqual([{ ok: false, problem: expect.stringMatching(/只读/), notice: null }]);
    expect(count('SELECT count(*) AS n FROM transfers')).toBe(0);
  });
});
