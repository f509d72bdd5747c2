import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDatabase } from '../../../src-main/core/store/database';
import { appendAudit, verifyAudit } from '../../../src-main/core/store/audit';
import { tempDir } from '../../support/desk/fixtures';

function seeded(rows = 5) {
  const db = openDatabase(join(tempDir(), 'fenliu.db'));
  for (let i = 0; i < rows; i += 1) appendAudit(db, { kind: 'transfer', subjectId: `t${i}`, detail: { i } });
  return db;
}

describe('audit chain', () => {
  it('verifies an untouched log', () => {
    const db = seeded();
    expect(verifyAudit(db)).toEqual({ ok: true, rows: 5 });
  });

  it('refuses UPDATE and DELETE through the append-only triggers', () => {
    const db = seeded();
    expect(() => db.prepare('UPDATE audit_log SET detail = ? WHERE seq = 2').run('{}')).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/);
  });

  it('names the first edited row when someone drops the triggers and edits', () => {
    const db = seeded();
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare('UPDATE audit_log SET detail = ? WHERE seq = 3').run('{"i":99}');
    expect(verifyAudit(db)).toMatchObject({ ok: false, badSeq: 3, problem: expect.stringMatching(/changed/) });
  });

  it('detects a deleted row', () => {
    const db = seeded();
    db.exec('DROP TRIGGER audit_log_no_delete');
    db.prepare('DELETE FROM audit_log WHERE seq = 2').run();
    expect(verifyAudit(db)).toMatchObject({ ok: false, badSeq: 2, problem: expect.stringMatching(/missing/) });
  });

  it('detects a deleted last-but-one row re-chained by hand (hash of the next row no longer follows)', () => {
    const db = seeded();
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare("UPDATE audit_log SET prev_hash = 'x' WHERE seq = 4").run();
    expect(verifyAudit(db)).toMatchObject({ ok: false, badSeq: 4 });
  });
});
