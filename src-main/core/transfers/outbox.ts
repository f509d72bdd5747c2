// The transactional outbox: a transfer and its outbox row are written in one transaction, so the sync
// can never miss a committed transfer nor send one that was not committed.
import type { Db } from '../store/database';
import type Database from 'better-sqlite3';
import { appendAudit } from '../store/audit';
import type { UpstreamSourceRow } from './repository';

export interface OutboxEntry {
  /** The outbox row's sequence number: the key the sync pages by. */
  seq: number;
  transfer: UpstreamSourceRow;
}

export class Outbox {
  private statements: {
    batch: Database.Statement;
    delivered: Database.Statement;
    remove: Database.Statement;
    removeSeq: Database.Statement;
    removeRange: Database.Statement;
    failed: Database.Statement;
  } | null = null;

  constructor(private readonly db: Db) {}

  enqueue(transferId: string, notBeforeMs: number): void {
    this.db.prepare('INSERT INTO outbox (transfer_id, not_before_ms) VALUES (?, ?)').run(transferId, notBeforeMs);
  }

  /** Removes the row of a transfer that will never be sent (cancelled, delivered, rejected). */
  remove(transferId: string): void {
    this.db.prepare('DELETE FROM outbox WHERE transfer_id = ?').run(transferId);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
  }

  /**
   * How many rows are still inside their undo window. Those are exactly the pending transfers not yet past
   * hold_until_ms (= their outbox not_before_ms); asked that way the status index answers it without scanning
   * a long backlog, which the sync does after every batch.
   */
  countHeld(nowMs: number): number {
    return (this.db.prepare("SELECT count(*) AS n FROM transfers WHERE status = 'pending' AND hold_until_ms > ?").get(nowMs) as { n: number }).n;
  }

  /** When the next held row leaves its undo window (ms epoch), or null when none is held. */
  nextRelease(nowMs: number): number | null {
    const row = this.db.prepare("SELECT min(hold_until_ms) AS at FROM transfers WHERE status = 'pending' AND hold_until_ms > ?").get(nowMs) as { at: number | null };
    return row.at;
  }

  /**
   * Up to `limit` sendable rows after `afterSeq`, oldest first: past their undo window and released by the
   * desk (never a pending or cancelled transfer). Paging by `seq` keeps each read small however long the backlog.
   */
  readBatch(afterSeq: number, nowMs: number, limit: number): OutboxEntry[] {
    // Rows as arrays, made into objects here: half the cost of better-sqlite3's objects for these wide rows.
    const rows = this.prepared().batch.all(afterSeq, nowMs, limit) as unknown[][];
    return rows.map((r) => ({
      seq: r[0] as number,
      transfer: {
        id: r[1], call_id: r[2], desk_id: r[3], operator_id: r[4], caller_number: r[5], call_started_at: r[6],
        transferred_at: r[7], target: r[8], target_number: r[9], category: r[10], red_flag: r[11], override: r[12],
        trigger: r[13], note: r[14], rules_version: r[15], matched_terms: r[16],
      } as UpstreamSourceRow,
    }));
  }

  /**
   * The upstream stored these (created or duplicate): never send them again. A transfer whose status the
   * upstream already moved on (an update arrived before the acknowledgement) keeps that status.
   */
  markDelivered(rows: readonly { transferId: string; seq: number }[], statusAt: string): void {
    if (rows.length === 0) return;
    const { delivered, removeSeq, removeRange } = this.prepared();
    const first = rows[0]!.seq;
    // Consecutive outbox rows (the usual whole batch) go in one range delete; seq is the primary key, so the
    // range holds exactly these rows.
    const consecutive = rows.every((row, i) => row.seq === first + i);
    this.db.transaction(() => {
      for (const row of rows) delivered.run(statusAt, row.transferId);
      if (consecutive) removeRange.run(first, first + rows.length - 1);
      else for (const row of rows) removeSeq.run(row.seq);
    }).immediate();
  }

  /**
   * The upstream will never take this record as it is: keep it, mark it rejected with the server's words for
   * the call-taker and IT to see, and do not send it again on our own.
   */
  markRejected(transferId: string, error: string, nowMs: number, statusAt: string): void {
    this.db.transaction(() => {
      const changed = this.db
        .prepare(
          `UPDATE transfers SET status = 'rejected', status_at = ?, rejected_error = ?, attention = 1, acknowledged_at = NULL
           WHERE id = ? AND status NOT IN ('pending', 'cancelled')`,
        )
        .run(statusAt, error, transferId).changes;
      this.prepared().remove.run(transferId);
      if (changed > 0) appendAudit(this.db, { kind: 'transfer.rejected', subjectId: transferId, actor: null, atMs: nowMs, detail: { error } });
    }).immediate();
  }

  /** Counts a failed attempt on these rows (for IT: how often, and the last reason). */
  recordFailure(transferIds: readonly string[], error: string): void {
    const { failed } = this.prepared();
    this.db.transaction(() => {
      for (const id of transferIds) failed.run(error, id);
    }).immediate();
  }

  private prepared() {
    this.statements ??= {
      batch: this.db.prepare(
        // Only the columns of the upstream record: a third of the cost of t.* on a long backlog.
        `SELECT o.seq AS outbox_seq, t.id, t.call_id, t.desk_id, t.operator_id, t.caller_number, t.call_started_at,
           t.transferred_at, t.target, t.target_number, t.category, t.red_flag, t.override, t.trigger, t.note, t.rules_version,
           t.matched_terms
         FROM outbox o JOIN transfers t ON t.id = o.transfer_id
         WHERE o.seq > ? AND o.not_before_ms <= ? AND t.status NOT IN ('pending', 'cancelled', 'rejected')
         ORDER BY o.seq LIMIT ?`,
      ).raw(true),
      delivered: this.db.prepare("UPDATE transfers SET status = 'sent', status_at = ? WHERE id = ? AND status = 'queued'"),
      remove: this.db.prepare('DELETE FROM outbox WHERE transfer_id = ?'),
      removeSeq: this.db.prepare('DELETE FROM outbox WHERE seq = ?'),
      removeRange: this.db.prepare('DELETE FROM outbox WHERE seq BETWEEN ? AND ?'),
      failed: this.db.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE transfer_id = ?'),
    };
    return this.statements;
  }
}
