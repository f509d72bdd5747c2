// Append-only audit log: each row carries the SHA-256 of the previous row, so an edited, inserted or
// deleted row breaks the chain and `fenliu audit verify` names the first bad row.
import { createHash } from 'node:crypto';
import type { Db } from './database';
import { toRfc3339 } from './time';

export type AuditKind =
  | 'transfer'
  | 'transfer.override'
  | 'transfer.undo'
  | 'transfer.rejected'
  | 'call.disposition'
  | 'rules.import'
  | 'rules.rollback'
  | 'keys.mapping'
  | 'inbox.acknowledge'
  | 'transfer.acknowledge'
  | 'store.damaged'
  | 'store.recover';

export interface AuditEntry {
  kind: AuditKind;
  subjectId: string | null;
  actor?: string | null;
  detail: Record<string, unknown>;
  /** Milliseconds since the epoch; defaults to now. */
  atMs?: number;
}

interface AuditRow {
  seq: number;
  at: string;
  kind: string;
  subject_id: string | null;
  actor: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

function rowHash(row: Omit<AuditRow, 'hash'>): string {
  const canonical = JSON.stringify([row.seq, row.at, row.kind, row.subject_id, row.actor, row.detail, row.prev_hash]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** Appends one row. Call inside the transaction that makes the change being audited. */
export function appendAudit(db: Db, entry: AuditEntry): void {
  const last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
    | { seq: number; hash: string }
    | undefined;
  const row = {
    seq: (last?.seq ?? 0) + 1,
    at: toRfc3339(entry.atMs ?? Date.now()),
    kind: entry.kind,
    subject_id: entry.subjectId,
    actor: entry.actor ?? null,
    detail: JSON.stringify(entry.detail),
    prev_hash: last?.hash ?? GENESIS_HASH,
  };
  db.prepare(
    `INSERT INTO audit_log (seq, at, kind, subject_id, actor, detail, prev_hash, hash)
     VALUES (@seq, @at, @kind, @subject_id, @actor, @detail, @prev_hash, @hash)`,
  ).run({ ...row, hash: rowHash(row) });
}

export type AuditVerdict =
  | { ok: true; rows: number }
  | { ok: false; rows: number; badSeq: number; problem: string };

/** Walks the whole chain. Streams rows so a long log does not load into memory at once. */
export function verifyAudit(db: Db): AuditVerdict {
  let expectedPrev = GENESIS_HASH;
  let expectedSeq = 1;
  let rows = 0;
  for (const row of db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<AuditRow>) {
    rows += 1;
    if (row.seq !== expectedSeq) {
      return { ok: false, rows, badSeq: expectedSeq, problem: `row ${expectedSeq} is missing (next row is ${row.seq})` };
    }
    if (row.prev_hash !== expectedPrev) {
      return { ok: false, rows, badSeq: row.seq, problem: `row ${row.seq} does not follow row ${row.seq - 1} (previous hash differs)` };
    }
    if (rowHash(row) !== row.hash) {
      return { ok: false, rows, badSeq: row.seq, problem: `row ${row.seq} was changed after it was written (hash differs)` };
    }
    expectedPrev = row.hash;
    expectedSeq += 1;
  }
  return { ok: true, rows };
}
