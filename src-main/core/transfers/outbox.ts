// The transactional outbox: a transfer and its outbox row are written in one transaction, so the sync
// can never miss a committed transfer nor send one that was not committed.
import type { Db } from '../store/database';

export class Outbox {
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

  /** How many rows are still inside their undo window. */
  countHeld(nowMs: number): number {
    return (this.db.prepare('SELECT count(*) AS n FROM outbox WHERE not_before_ms > ?').get(nowMs) as { n: number }).n;
  }
}
