// Pulled status updates: stored once, applied only forward, `returned` flags the transfer for a call-taker,
// `dueAt` drives overdue, updates for unknown transfers are kept aside, and the cursor moves with its page.
import { describe, expect, it } from 'vitest';
import { SyncStore, KEYS } from '../../../src-main/core/sync/sync-store';
import { TransferRepository, toTransferView } from '../../../src-main/core/transfers/repository';
import type { StatusUpdate } from '../../../src-main/core/sync/schemas';
import { makeTransfers, openTestDb } from '../../support/upstream/desk-fixture';
import { Outbox } from '../../../src-main/core/transfers/outbox';

const T0 = Date.parse('2026-11-29T09:00:00+08:00');
const at = (min: number) => new Date(T0 + min * 60_000).toISOString().replace('Z', '+00:00');

function setup() {
  const { db } = openTestDb();
  const [id] = makeTransfers(db, 1, { nowMs: T0 - 60_000 });
  new Outbox(db).markDelivered([{ transferId: id!, seq: 1 }], at(0));
  const store = new SyncStore(db);
  const repo = new TransferRepository(db);
  const view = (nowMs = T0) => toTransferView(repo.byId(id!)!, nowMs, (c) => c);
  return { db, id: id!, store, view };
}

const u = (transferId: string, status: StatusUpdate['status'], min: number, extra: Partial<StatusUpdate> = {}): StatusUpdate => ({
  transferId,
  status,
  at: at(min),
  by: '县住建局',
  ...extra,
});

describe('status updates', () => {
  it('move received → accepted → resolved and a late or repeated received does not undo accepted', () => {
    const { id, store, view } = setup();
    store.storeUpdates([u(id, 'received', 1)], 'c-1', at(1));
    expect(view().status).toBe('received');
    store.storeUpdates([u(id, 'accepted', 3, { dueAt: at(120) })], 'c-2', at(3));
    // The same received again (at-least-once delivery) and a late one stamped earlier.
    const page = store.storeUpdates([u(id, 'received', 1), u(id, 'received', 2)], 'c-4', at(4));
    expect(page).toMatchObject({ stored: 1, applied: 0 });
    expect(view()).toMatchObject({ status: 'accepted', statusBy: '县住建局', dueAt: at(120) });
    store.storeUpdates([u(id, 'resolved', 30, { comment: '已修复' })], 'c-5', at(30));
    expect(view()).toMatchObject({ status: 'resolved', comment: '已修复', overdue: false, needsAttention: false });
  });

  it('applying the same page twice changes nothing the second time', () => {
    const { db, id, store, view } = setup();
    const updates = [u(id, 'received', 1), u(id, 'accepted', 2, { dueAt: at(60) })];
    expect(store.storeUpdates(updates, 'c-2', at(2))).toMatchObject({ stored: 2, applied: 2 });
    const before = view();
    expect(store.storeUpdates([...updates, ...updates], 'c-2', at(3))).toMatchObject({ stored: 0, applied: 0 });
    expect(view()).toEqual(before);
    expect((db.prepare('SELECT count(*) AS n FROM status_updates').get() as { n: number }).n).toBe(2);
  });

  it('returned needs a call-taker: flagged until acknowledged', () => {
    const { db, id, store, view } = setup();
    store.storeUpdates([u(id, 'accepted', 1), u(id, 'returned', 5, { by: '县民政局', comment: '涉及人身安全，退回110' })], 'c-2', at(5));
    expect(view()).toMatchObject({ status: 'returned', needsAttention: true, comment: '涉及人身安全，退回110', statusBy: '县民政局' });
    new TransferRepository(db).acknowledge(id, at(6));
    expect(view().needsAttention).toBe(false);
    // A late accepted from before the return does not bring it back.
    store.storeUpdates([u(id, 'accepted', 4)], 'c-3', at(7));
    expect(view().status).toBe('returned');
  });

  it('an accepted transfer past its dueAt without resolved is overdue', () => {
    const { id, store, view } = setup();
    store.storeUpdates([u(id, 'accepted', 1, { dueAt: at(60) })], 'c-1', at(1));
    expect(view(T0 + 59 * 60_000).overdue).toBe(false);
    expect(view(T0 + 61 * 60_000).overdue).toBe(true);
    store.storeUpdates([u(id, 'resolved', 90)], 'c-2', at(90));
    expect(view(T0 + 91 * 60_000).overdue).toBe(false);
  });

  it('keeps an update for an unknown transfer aside (known = 0) without failing the page', () => {
    const { db, id, store, view } = setup();
    const page = store.storeUpdates([u('no-such-transfer', 'received', 1), u(id, 'received', 1)], 'c-2', at(1));
    expect(page).toMatchObject({ stored: 2, applied: 1, unknown: ['no-such-transfer'] });
    expect(db.prepare('SELECT known FROM status_updates WHERE transfer_id = ?').get('no-such-transfer')).toEqual({ known: 0 });
    expect(view().status).toBe('received');
  });

  it('stores the cursor in the same transaction as the updates', () => {
    const { db, id, store } = setup();
    store.storeUpdates([u(id, 'received', 1)], 'c-1', at(1));
    expect(store.get(KEYS.updatesCursor)).toBe('c-1');
    // A page that cannot be stored leaves the cursor where it was.
    db.exec("CREATE TRIGGER no_more BEFORE INSERT ON status_updates BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    expect(() => store.storeUpdates([u(id, 'accepted', 2)], 'c-2', at(2))).toThrow('disk says no');
    expect(store.get(KEYS.updatesCursor)).toBe('c-1');
  });

  it('leaves a transfer the upstream never took (cancelled) as it is', () => {
    const { db, store } = setup();
    const [held] = makeTransfers(db, 1, { nowMs: T0, holdMs: 5000, prefix: 'held' });
    db.prepare("UPDATE transfers SET status = 'cancelled' WHERE id = ?").run(held);
    store.storeUpdates([u(held!, 'received', 1)], 'c-1', at(1));
    expect((db.prepare('SELECT status FROM transfers WHERE id = ?').get(held) as { status: string }).status).toBe('cancelled');
  });
});
