// What the sync keeps in the database: cursors and ETags (sync_state), pulled status updates (status_updates,
// idempotent, applied to transfers monotonically) and inbox items. Each page is stored in one short transaction
// that also advances its cursor, so a crash either keeps the page and its cursor or neither.
import type { Db } from '../store/database';
import type { TransferStatus } from '../../api/contract';
import { parseRfc3339 } from '../store/time';
import { InboxRepository } from '../transfers/inbox';
import type { StatusUpdate, UpstreamInboxItem } from './schemas';

export const KEYS = {
  updatesCursor: 'updates.cursor',
  inboxCursor: 'inbox.cursor',
  rulesEtag: 'rules.etag',
  /** JSON { etag, error } of the last pack the desk refused. */
  rulesRefused: 'rules.refused',
  lastSuccessAt: 'last-success-at',
} as const;

/**
 * Progress of a transfer upstream. Updates only move it forward; `resolved` and `returned` are both final and
 * the later of the two wins; an update of the same rank but later time refreshes who/when/deadline.
 */
const RANK: Partial<Record<TransferStatus, number>> = { queued: 0, sent: 0, received: 1, accepted: 2, resolved: 3, returned: 3 };

export interface StoredPage {
  /** Updates (or items) not seen before. */
  stored: number;
  /** Transfers whose status changed. */
  applied: number;
  unknown: string[];
}

export class SyncStore {
  constructor(private readonly db: Db) {}

  get(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM sync_state WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  set(key: string, value: string | null): void {
    if (value === null) this.db.prepare('DELETE FROM sync_state WHERE key = ?').run(key);
    else this.db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** Stores a page of updates, applies them, then moves the cursor: one transaction. */
  storeUpdates(updates: readonly StatusUpdate[], next: string, receivedAt: string): StoredPage {
    const insert = this.db.prepare(
      `INSERT INTO status_updates (transfer_id, status, at, by, due_at, comment, received_at, known)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (transfer_id, status, at) DO NOTHING`,
    );
    const current = this.db.prepare('SELECT status, status_at FROM transfers WHERE id = ?');
    const apply = this.db.prepare(
      `UPDATE transfers SET status = ?, status_at = ?, status_by = ?, due_at = coalesce(?, due_at), comment = coalesce(?, comment),
         attention = CASE WHEN ? = 'returned' THEN 1 ELSE attention END,
         acknowledged_at = CASE WHEN ? = 'returned' AND status <> 'returned' THEN NULL ELSE acknowledged_at END
       WHERE id = ?`,
    );
    const page: StoredPage = { stored: 0, applied: 0, unknown: [] };
    this.db.transaction(() => {
      for (const u of updates) {
        const row = current.get(u.transferId) as { status: TransferStatus; status_at: string } | undefined;
        const isNew = insert.run(u.transferId, u.status, u.at, u.by ?? null, u.dueAt ?? null, u.comment ?? null, receivedAt, row ? 1 : 0).changes > 0;
        if (!isNew) continue;
        page.stored += 1;
        if (!row) {
          page.unknown.push(u.transferId);
          continue;
        }
        if (!movesForward(row, u)) continue;
        apply.run(u.status, u.at, u.by ?? null, u.dueAt ?? null, u.comment ?? null, u.status, u.status, u.transferId);
        page.applied += 1;
      }
      this.set(KEYS.updatesCursor, next);
    }).immediate();
    return page;
  }

  /** Stores a page of inbox items (idempotent by id), then moves the cursor: one transaction. */
  storeInbox(items: readonly UpstreamInboxItem[], next: string, storedAt: string): StoredPage {
    const inbox = new InboxRepository(this.db);
    const page: StoredPage = { stored: 0, applied: 0, unknown: [] };
    this.db.transaction(() => {
      for (const item of items) {
        const isNew = inbox.store(
          { id: item.id, from: item.from, receivedAt: item.receivedAt, callerNumber: item.callerNumber ?? null, summary: item.summary, category: item.category ?? null },
          storedAt,
        );
        if (isNew) page.stored += 1;
      }
      this.set(KEYS.inboxCursor, next);
    }).immediate();
    return page;
  }

  /** Transfers the upstream refused, not yet acknowledged by a call-taker. */
  countRejected(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM transfers WHERE status = 'rejected' AND acknowledged_at IS NULL").get() as { n: number }).n;
  }
}

function movesForward(row: { status: TransferStatus; status_at: string }, u: StatusUpdate): boolean {
  const current = RANK[row.status];
  const next = RANK[u.status]!;
  // Pending, cancelled and rejected transfers were never taken upstream: the update is kept, not applied.
  if (current === undefined) return false;
  if (next > current) return true;
  if (next < current || current === 0) return false;
  const nowAt = parseRfc3339(row.status_at);
  return !Number.isFinite(nowAt) || parseRfc3339(u.at) > nowAt;
}
