// Reads and writes of calls and transfers. Every statement uses bound parameters.
import type { Db } from '../store/database';
import type { OverrideInfo, TransferStatus, TransferView, Trigger, TargetCode } from '../../api/contract';

export interface TransferRow {
  id: string;
  call_id: string;
  desk_id: string;
  operator_id: string;
  caller_number: string | null;
  call_started_at: string;
  transferred_at: string;
  transferred_ms: number;
  target: Exclude<TargetCode, '110'>;
  target_number: string;
  category: string | null;
  red_flag: 0 | 1;
  override: string | null;
  trigger: Trigger;
  note: string;
  rules_version: string;
  matched_terms: string;
  status: TransferStatus;
  hold_until_ms: number;
  status_at: string;
  status_by: string | null;
  due_at: string | null;
  comment: string | null;
  rejected_error: string | null;
  attention: 0 | 1;
  acknowledged_at: string | null;
}

/** The record as the upstream contract defines it (POST /v1/transfers). */
export interface UpstreamTransfer {
  id: string;
  callId: string;
  deskId: string;
  operatorId: string;
  callerNumber: string | null;
  callStartedAt: string;
  transferredAt: string;
  target: Exclude<TargetCode, '110'>;
  targetNumber: string;
  category: string;
  redFlag: boolean;
  override: OverrideInfo | null;
  trigger: Trigger;
  note: string;
  rulesVersion: string;
  matchedTerms: string[];
}

/** The columns a record for the upstream is made of (the sync reads only these). */
export type UpstreamSourceRow = Pick<
  TransferRow,
  | 'id' | 'call_id' | 'desk_id' | 'operator_id' | 'caller_number' | 'call_started_at' | 'transferred_at' | 'target'
  | 'target_number' | 'category' | 'red_flag' | 'override' | 'trigger' | 'note' | 'rules_version' | 'matched_terms'
>;

export function toUpstreamTransfer(row: UpstreamSourceRow): UpstreamTransfer {
  return {
    id: row.id,
    callId: row.call_id,
    deskId: row.desk_id,
    operatorId: row.operator_id,
    callerNumber: row.caller_number,
    callStartedAt: row.call_started_at,
    transferredAt: row.transferred_at,
    target: row.target,
    targetNumber: row.target_number,
    // The contract's category is a string; a manual transfer with no matching rule is "<target>.other".
    category: row.category ?? `${row.target}.other`,
    redFlag: row.red_flag === 1,
    override: row.override ? (JSON.parse(row.override) as OverrideInfo) : null,
    trigger: row.trigger,
    note: row.note,
    rulesVersion: row.rules_version,
    matchedTerms: JSON.parse(row.matched_terms) as string[],
  };
}

const UNDOABLE: ReadonlySet<TransferStatus> = new Set(['pending']);

export function toTransferView(row: TransferRow, nowMs: number, targetName: (code: string) => string): TransferView {
  const dueMs = row.due_at ? Date.parse(row.due_at) : Number.NaN;
  return {
    id: row.id,
    callId: row.call_id,
    callerNumber: row.caller_number,
    callStartedAt: row.call_started_at,
    transferredAt: row.transferred_at,
    target: row.target,
    targetNumber: row.target_number,
    targetName: targetName(row.target),
    category: row.category,
    redFlag: row.red_flag === 1,
    override: row.override ? (JSON.parse(row.override) as OverrideInfo) : null,
    trigger: row.trigger,
    note: row.note,
    rulesVersion: row.rules_version,
    matchedTerms: JSON.parse(row.matched_terms) as string[],
    status: row.status,
    statusAt: row.status_at,
    statusBy: row.status_by,
    undoUntilMs: UNDOABLE.has(row.status) && row.hold_until_ms > nowMs ? row.hold_until_ms : null,
    dueAt: row.due_at,
    overdue: row.status === 'accepted' && Number.isFinite(dueMs) && dueMs < nowMs,
    comment: row.comment,
    rejectedError: row.rejected_error,
    needsAttention: row.attention === 1 && row.acknowledged_at === null,
  };
}

export class TransferRepository {
  constructor(private readonly db: Db) {}

  byId(id: string): TransferRow | undefined {
    return this.db.prepare('SELECT * FROM transfers WHERE id = ?').get(id) as TransferRow | undefined;
  }

  liveForCall(callId: string): TransferRow | undefined {
    return this.db
      .prepare("SELECT * FROM transfers WHERE call_id = ? AND status <> 'cancelled'")
      .get(callId) as TransferRow | undefined;
  }

  insert(row: TransferRow): void {
    this.db
      .prepare(
        `INSERT INTO transfers (id, call_id, desk_id, operator_id, caller_number, call_started_at, transferred_at,
           transferred_ms, target, target_number, category, red_flag, override, trigger, note, rules_version,
           matched_terms, status, hold_until_ms, status_at, status_by, due_at, comment, rejected_error, attention,
           acknowledged_at)
         VALUES (@id, @call_id, @desk_id, @operator_id, @caller_number, @call_started_at, @transferred_at,
           @transferred_ms, @target, @target_number, @category, @red_flag, @override, @trigger, @note, @rules_version,
           @matched_terms, @status, @hold_until_ms, @status_at, @status_by, @due_at, @comment, @rejected_error,
           @attention, @acknowledged_at)`,
      )
      .run(row);
  }

  setStatus(id: string, status: TransferStatus, statusAt: string, by: string | null = null): void {
    this.db.prepare('UPDATE transfers SET status = ?, status_at = ?, status_by = ? WHERE id = ?').run(status, statusAt, by, id);
  }

  /** Transfers made since `sinceMs`, newest first; those needing attention first. */
  list(sinceMs: number, status?: TransferStatus): TransferRow[] {
    const sql = `SELECT * FROM transfers WHERE transferred_ms >= ? ${status ? 'AND status = ?' : ''}
      ORDER BY (attention = 1 AND acknowledged_at IS NULL) DESC, transferred_ms DESC`;
    const params: unknown[] = status ? [sinceMs, status] : [sinceMs];
    return this.db.prepare(sql).all(...params) as TransferRow[];
  }

  /** The newest transfer still inside its undo window: what an undo key acts on. */
  latestUndoable(nowMs: number): string | undefined {
    const row = this.db
      .prepare("SELECT id FROM transfers WHERE status = 'pending' AND hold_until_ms > ? ORDER BY transferred_ms DESC LIMIT 1")
      .get(nowMs) as { id: string } | undefined;
    return row?.id;
  }

  /** Pending transfers whose undo window has passed become queued (sendable). Returns the ids released. */
  releaseHolds(nowMs: number, statusAt: string): string[] {
    const rows = this.db
      .prepare("SELECT id FROM transfers WHERE status = 'pending' AND hold_until_ms <= ?")
      .all(nowMs) as { id: string }[];
    if (rows.length === 0) return [];
    this.db
      .prepare("UPDATE transfers SET status = 'queued', status_at = ? WHERE status = 'pending' AND hold_until_ms <= ?")
      .run(statusAt, nowMs);
    return rows.map((r) => r.id);
  }

  acknowledge(id: string, at: string): void {
    this.db.prepare('UPDATE transfers SET acknowledged_at = ? WHERE id = ?').run(at, id);
  }
}
