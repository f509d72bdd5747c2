// What one press of the transfer key does for a call. The transfer, its outbox row and its audit rows are
// written in one transaction (synchronous=FULL: on disk when this returns) before anyone is told.
import type { Db } from '../store/database';
import type { Classification, TargetCode, TransferResult, Trigger, UndoResult } from '../../api/contract';
import { appendAudit } from '../store/audit';
import { uuidv7 } from '../store/ids';
import { toRfc3339 } from '../store/time';
import { CallRepository } from './calls';
import { Outbox } from './outbox';
import { TransferRepository, toTransferView, type TransferRow } from './repository';

export interface CallState {
  id: string;
  startedAt: string;
  callerNumber: string | null;
  note: string;
}

export interface TransferRequest {
  call: CallState;
  classification: Classification;
  /** The call-taker's explicit choice; default: the classifier's target. */
  target?: TargetCode;
  overrideReason?: string;
  trigger: Trigger;
  deskId: string;
  operatorId: string;
  /** Number of each target as configured for this county. */
  targetNumber(code: TargetCode): string;
  targetName(code: TargetCode): string;
  /** Undo window; 0 sends at once (CLI). */
  holdMs: number;
  nowMs: number;
}

/** Used when the call-taker chose another target than the classifier without writing why. */
export const MANUAL_CHOICE_REASON = '话务员手动选择目标';

export function performTransfer(db: Db, req: TransferRequest): TransferResult {
  const { classification } = req;
  const target = req.target ?? classification.target;
  if (target === '110') return { kind: 'police', classification };

  const transfers = new TransferRepository(db);
  const view = (row: TransferRow) => toTransferView(row, req.nowMs, (code) => req.targetName(code as TargetCode));

  const existing = transfers.liveForCall(req.call.id);
  if (existing) return { kind: 'already', transfer: view(existing), classification };

  if (classification.redFlag && target === 'civic' && !req.overrideReason) {
    return {
      kind: 'refused',
      reason: 'red-flag',
      message: `红色警示（${classification.redFlags.map((f) => f.label).join('、')}）：不能转市民服务平台，除非写明理由`,
      classification,
    };
  }

  const against = target !== classification.target;
  const override = against || req.overrideReason ? { reason: req.overrideReason ?? MANUAL_CHOICE_REASON, by: req.operatorId } : null;
  const at = toRfc3339(req.nowMs);
  const row: TransferRow = {
    id: uuidv7(req.nowMs),
    call_id: req.call.id,
    desk_id: req.deskId,
    operator_id: req.operatorId,
    caller_number: req.call.callerNumber,
    call_started_at: req.call.startedAt,
    transferred_at: at,
    transferred_ms: req.nowMs,
    target,
    target_number: req.targetNumber(target),
    // The classifier's category only when it agrees with where the call goes.
    category: classification.target === target ? classification.category : null,
    red_flag: classification.redFlag ? 1 : 0,
    override: override ? JSON.stringify(override) : null,
    trigger: req.trigger,
    note: req.call.note,
    rules_version: classification.rulesVersion,
    matched_terms: JSON.stringify(classification.matched),
    status: req.holdMs > 0 ? 'pending' : 'queued',
    hold_until_ms: req.nowMs + req.holdMs,
    status_at: at,
    status_by: null,
    due_at: null,
    comment: null,
    rejected_error: null,
    attention: 0,
    acknowledged_at: null,
  };

  db.transaction(() => {
    const calls = new CallRepository(db);
    calls.upsert({
      id: req.call.id,
      started_at: req.call.startedAt,
      caller_number: req.call.callerNumber,
      note: req.call.note,
      classification: JSON.stringify(classification),
    });
    transfers.insert(row);
    new Outbox(db).enqueue(row.id, row.hold_until_ms);
    calls.setDisposition(req.call.id, 'transferred', at);
    appendAudit(db, {
      kind: 'transfer',
      subjectId: row.id,
      actor: req.operatorId,
      atMs: req.nowMs,
      detail: {
        callId: row.call_id,
        target,
        targetNumber: row.target_number,
        category: row.category,
        redFlag: classification.redFlag,
        trigger: req.trigger,
        rulesVersion: row.rules_version,
      },
    });
    if (override) {
      appendAudit(db, {
        kind: 'transfer.override',
        subjectId: row.id,
        actor: req.operatorId,
        atMs: req.nowMs,
        detail: { ...override, classifiedTarget: classification.target, target, redFlags: classification.redFlags },
      });
    }
  }).immediate();

  return { kind: 'transferred', transfer: view(row), classification };
}

/** Cancels a transfer still inside its undo window; after the window it stands. */
export function undoTransfer(db: Db, transferId: string, nowMs: number, operatorId: string, targetName: (code: string) => string): UndoResult {
  const transfers = new TransferRepository(db);
  return db.transaction((): UndoResult => {
    const row = transfers.byId(transferId);
    if (!row) return { kind: 'nothing' };
    if (row.status !== 'pending' || row.hold_until_ms <= nowMs) {
      return { kind: 'too-late', transfer: toTransferView(row, nowMs, targetName) };
    }
    const at = toRfc3339(nowMs);
    transfers.setStatus(row.id, 'cancelled', at, operatorId);
    new Outbox(db).remove(row.id);
    new CallRepository(db).setDisposition(row.call_id, null, null);
    appendAudit(db, {
      kind: 'transfer.undo',
      subjectId: row.id,
      actor: operatorId,
      atMs: nowMs,
      detail: { callId: row.call_id, target: row.target, heldUntil: toRfc3339(row.hold_until_ms) },
    });
    return { kind: 'undone', transfer: toTransferView(transfers.byId(row.id)!, nowMs, targetName) };
  }).immediate();
}

/** Closes a call without a transfer: kept by police, or invalid (silent, misdial, harassment). */
export function closeCall(db: Db, call: CallState, classification: Classification, disposition: 'kept' | 'invalid', nowMs: number, operatorId: string): void {
  const at = toRfc3339(nowMs);
  db.transaction(() => {
    const calls = new CallRepository(db);
    const existing = calls.byId(call.id);
    if (existing?.disposition === 'transferred') throw new Error('this call was transferred; undo the transfer first');
    calls.upsert({
      id: call.id,
      started_at: call.startedAt,
      caller_number: call.callerNumber,
      note: call.note,
      classification: JSON.stringify(classification),
    });
    calls.setDisposition(call.id, disposition, at);
    appendAudit(db, {
      kind: 'call.disposition',
      subjectId: call.id,
      actor: operatorId,
      atMs: nowMs,
      detail: { disposition, classifiedTarget: classification.target, redFlag: classification.redFlag },
    });
  }).immediate();
}
