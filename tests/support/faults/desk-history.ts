// A data dir with a realistic day behind it, made through the real Desk: transfers (some undone, some delivered
// with status updates from upstream), calls kept or invalid, inbox items. Returns every stored row, to compare a
// recovered database against.
import { join } from 'node:path';
import { Desk } from '../../../src-main/core/desk';
import { deskConfigSchema } from '../../../src-main/core/config/schema';
import { openDatabase, type Db } from '../../../src-main/core/store/database';
import { InboxRepository } from '../../../src-main/core/transfers/inbox';
import { toRfc3339 } from '../../../src-main/core/store/time';
import { fakeRules } from '../desk/fake-rules';

export type Row = Record<string, unknown>;

export interface StoredRows {
  calls: Map<string, Row>;
  transfers: Map<string, Row>;
  outbox: Map<string, Row>;
  statusUpdates: Map<string, Row>;
  inbox: Map<string, Row>;
}

export function storedRows(db: Db): StoredRows {
  const byKey = (sql: string, key: (r: Row) => string) => new Map((db.prepare(sql).all() as Row[]).map((r) => [key(r), r]));
  return {
    calls: byKey('SELECT * FROM calls', (r) => String(r.id)),
    transfers: byKey('SELECT * FROM transfers', (r) => String(r.id)),
    outbox: byKey('SELECT transfer_id, not_before_ms, attempts, last_error FROM outbox', (r) => String(r.transfer_id)),
    statusUpdates: byKey('SELECT transfer_id, status, at, by, due_at, comment, received_at, known FROM status_updates', (r) => `${r.transfer_id}|${r.status}|${r.at}`),
    inbox: byKey('SELECT * FROM inbox', (r) => String(r.id)),
  };
}

export interface HistoryOptions {
  transfers: number;
  /** A longer note makes more pages. */
  noteLength?: number;
  startMs?: number;
}

/** Writes the day into <dataDir>/fenliu.db and closes it cleanly (WAL checkpointed). */
export async function makeDeskHistory(dataDir: string, options: HistoryOptions): Promise<StoredRows> {
  let now = options.startMs ?? 1_780_000_000_000;
  const db = openDatabase(join(dataDir, 'fenliu.db'));
  const desk = new Desk({ db, config: deskConfigSchema.parse({ desk: { id: 'nanbu-110-03', operatorId: 'op7' } }), rules: fakeRules(), now: () => now });
  const pad = '，报警人反映情况'.repeat(Math.ceil((options.noteLength ?? 120) / 8));
  for (let i = 0; i < options.transfers; i += 1) {
    now += 30_000;
    desk.newCall({ callerNumber: `1380000${String(i).padStart(4, '0')}` });
    desk.setNote({ note: `第${i}位：想吃米粉${pad}`.slice(0, options.noteLength ?? 120) });
    const result = desk.transfer({ trigger: i % 3 === 0 ? 'hid-key' : 'keyboard' });
    if (result.kind !== 'transferred') throw new Error(`history transfer ${i}: ${result.kind}`);
    if (i % 7 === 3) {
      now += 1000;
      desk.undo({ transferId: result.transfer.id });
      desk.closeCall({ disposition: 'kept' });
    }
    if (i % 11 === 5) {
      desk.setNote({ note: '无声电话' });
      desk.closeCall({ disposition: 'invalid' });
    }
  }
  now += 10_000;
  desk.listTransfers({}); // releases the undo windows that have passed
  // What the sync would have done for the first half: delivered, then statuses from upstream.
  const delivered = db.prepare("SELECT id FROM transfers WHERE status = 'queued' ORDER BY transferred_ms LIMIT ?").all(Math.floor(options.transfers / 2)) as { id: string }[];
  const statusAt = toRfc3339(now);
  db.transaction(() => {
    for (const [i, { id }] of delivered.entries()) {
      const status = (['sent', 'received', 'accepted', 'resolved'] as const)[i % 4];
      db.prepare('DELETE FROM outbox WHERE transfer_id = ?').run(id);
      db.prepare('UPDATE transfers SET status = ?, status_at = ? WHERE id = ?').run(status, statusAt, id);
      if (status !== 'sent') {
        db.prepare(
          'INSERT INTO status_updates (transfer_id, status, at, by, due_at, comment, received_at, known) VALUES (?, ?, ?, ?, ?, ?, ?, 1)',
        ).run(id, status, statusAt, '县住建局', null, status === 'resolved' ? '已处理' : null, statusAt);
      }
    }
    const inbox = new InboxRepository(db);
    for (let i = 0; i < 5; i += 1) {
      inbox.store({ id: `inbox-${i}`, from: '24365', receivedAt: statusAt, callerNumber: null, summary: `转回110：第${i}件`, category: '110.threat' }, statusAt);
    }
    inbox.acknowledge('inbox-0', statusAt, 'op7');
  })();
  const rows = storedRows(db);
  await desk.close();
  return rows;
}
