// Shift statistics for the supervisor. "Dispatches saved" is estimated as the calls that left the police
// line and were not returned to it: each of them would otherwise have taken a police dispatch or call-back.
import type { Db } from '../store/database';
import type { StatsView } from '../../api/contract';
import { toRfc3339 } from '../store/time';

export function shiftStats(db: Db, sinceMs: number, nowMs: number): StatsView {
  const since = toRfc3339(sinceMs);
  // Calls are keyed by RFC 3339 text; compare through julianday so offsets sort correctly.
  const calls = db
    .prepare(
      `SELECT disposition, count(*) AS n FROM calls
       WHERE julianday(started_at) >= julianday(?) GROUP BY disposition`,
    )
    .all(since) as { disposition: string | null; n: number }[];
  const dispositions = { transferred: 0, kept: 0, invalid: 0, open: 0 };
  for (const row of calls) {
    if (row.disposition === 'transferred' || row.disposition === 'kept' || row.disposition === 'invalid') {
      dispositions[row.disposition] += row.n;
    } else dispositions.open += row.n;
  }
  const total = dispositions.transferred + dispositions.kept + dispositions.invalid + dispositions.open;

  const byTarget = { civic: 0, '119': 0, '120': 0, '122': 0 } as StatsView['transfersByTarget'];
  const live = db
    .prepare(
      `SELECT target, count(*) AS n FROM transfers
       WHERE transferred_ms >= ? AND status <> 'cancelled' GROUP BY target`,
    )
    .all(sinceMs) as { target: keyof typeof byTarget; n: number }[];
  for (const row of live) byTarget[row.target] = row.n;

  const one = (sql: string, ...params: unknown[]) => (db.prepare(sql).get(...params) as { n: number }).n;
  const overrides = one(`SELECT count(*) AS n FROM transfers WHERE transferred_ms >= ? AND override IS NOT NULL AND status <> 'cancelled'`, sinceMs);
  const returned = one(`SELECT count(*) AS n FROM transfers WHERE transferred_ms >= ? AND status = 'returned'`, sinceMs);
  const overdue = one(
    `SELECT count(*) AS n FROM transfers WHERE transferred_ms >= ? AND status = 'accepted'
       AND due_at IS NOT NULL AND julianday(due_at) < julianday(?)`,
    sinceMs,
    toRfc3339(nowMs),
  );
  const diverted = Object.values(byTarget).reduce((a, b) => a + b, 0);
  const closed = dispositions.transferred + dispositions.kept + dispositions.invalid;
  return {
    since,
    calls: total,
    dispositions,
    transfersByTarget: byTarget,
    nonPoliceShare: closed === 0 ? 0 : diverted / closed,
    overrides,
    returned,
    overdue,
    dispatchesSaved: Math.max(0, diverted - returned - one(`SELECT count(*) AS n FROM transfers WHERE transferred_ms >= ? AND status = 'rejected'`, sinceMs)),
  };
}

/** Start of the current shift: today 00:00 local time (shifts are a county setting we do not know yet). */
export function startOfToday(nowMs: number): number {
  const d = new Date(nowMs);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}
