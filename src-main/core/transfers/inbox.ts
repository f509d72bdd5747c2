// Matters the civic platform passed to police (GET /v1/inbox), shown until someone acknowledges them.
import type { Db } from '../store/database';
import type { InboxItemView } from '../../api/contract';

interface InboxRow {
  id: string;
  source: string;
  received_at: string;
  caller_number: string | null;
  summary: string;
  category: string | null;
}

export class InboxRepository {
  constructor(private readonly db: Db) {}

  /** Idempotent: an item delivered twice is stored once. */
  store(item: InboxItemView, storedAt: string): boolean {
    const info = this.db
      .prepare(
        `INSERT INTO inbox (id, source, received_at, caller_number, summary, category, stored_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
      )
      .run(item.id, item.from, item.receivedAt, item.callerNumber, item.summary, item.category, storedAt);
    return info.changes > 0;
  }

  unacknowledged(): InboxItemView[] {
    const rows = this.db
      .prepare('SELECT * FROM inbox WHERE acknowledged_at IS NULL ORDER BY received_at')
      .all() as InboxRow[];
    return rows.map((r) => ({
      id: r.id,
      from: r.source,
      receivedAt: r.received_at,
      callerNumber: r.caller_number,
      summary: r.summary,
      category: r.category,
    }));
  }

  acknowledge(id: string, at: string, by: string): boolean {
    return this.db.prepare('UPDATE inbox SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND acknowledged_at IS NULL').run(at, by, id).changes > 0;
  }
}
