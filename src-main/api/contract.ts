// The Desk API: the one contract that Electron's preload, the browser desk (WebSocket) and the CLI speak.
// Commands are validated with these zod schemas wherever they cross a process boundary; the renderer
// imports the types only. No Node imports here.
import { z } from 'zod';
import type { Classification, TargetCode } from './classification';

export type { Classification, RedFlagHit, TargetCode } from './classification';

export const targetCodeSchema = z.enum(['110', 'civic', '119', '120', '122']);
export const localeSchema = z.enum(['zh-CN', 'zh-TW', 'en']);
export type Locale = z.infer<typeof localeSchema>;
export const triggerSchema = z.enum(['hid-key', 'keyboard', 'screen']);
export type Trigger = z.infer<typeof triggerSchema>;

export const TRANSFER_STATUSES = [
  'pending', 'queued', 'sent', 'received', 'accepted', 'resolved', 'returned', 'rejected', 'cancelled',
] as const;
export const transferStatusSchema = z.enum(TRANSFER_STATUSES);
export type TransferStatus = z.infer<typeof transferStatusSchema>;

const note = z.string().max(4000, 'a note is at most 4000 characters');
const id = z.string().min(1).max(128);
const reason = z.string().trim().min(2, 'an override needs a written reason').max(500);

/** Every command: its name and the zod schema of its argument. */
export const deskCommandSchemas = {
  snapshot: z.strictObject({}),
  newCall: z.strictObject({ callerNumber: z.string().max(32).nullable().optional(), callId: id.optional() }),
  setNote: z.strictObject({ note }),
  setCallerNumber: z.strictObject({ callerNumber: z.string().max(32).nullable() }),
  transfer: z.strictObject({
    target: targetCodeSchema.optional(),
    overrideReason: reason.optional(),
    trigger: triggerSchema.default('screen'),
  }),
  undo: z.strictObject({ transferId: id.optional() }),
  closeCall: z.strictObject({ disposition: z.enum(['kept', 'invalid']) }),
  listTransfers: z.strictObject({ since: z.string().optional(), status: transferStatusSchema.optional() }),
  acknowledgeReturned: z.strictObject({ transferId: id }),
  acknowledgeInbox: z.strictObject({ id }),
  stats: z.strictObject({ since: z.string().optional() }),
  learnKey: z.strictObject({ action: z.enum(['transfer', 'undo', 'keep', 'invalid']) }),
  cancelLearn: z.strictObject({}),
  setLocale: z.strictObject({ locale: localeSchema }),
  syncNow: z.strictObject({}),
} as const;

export type DeskCommandName = keyof typeof deskCommandSchemas;
export type DeskCommandArgs<N extends DeskCommandName> = z.input<(typeof deskCommandSchemas)[N]>;
export type DeskCommandParsed<N extends DeskCommandName> = z.output<(typeof deskCommandSchemas)[N]>;

export interface CallView {
  id: string;
  startedAt: string;
  callerNumber: string | null;
  note: string;
}

export interface OverrideInfo {
  reason: string;
  by: string;
}

export interface TransferView {
  id: string;
  callId: string;
  callerNumber: string | null;
  callStartedAt: string;
  transferredAt: string;
  target: Exclude<TargetCode, '110'>;
  targetNumber: string;
  targetName: string;
  category: string | null;
  redFlag: boolean;
  override: OverrideInfo | null;
  trigger: Trigger;
  note: string;
  rulesVersion: string;
  matchedTerms: string[];
  status: TransferStatus;
  statusAt: string;
  statusBy: string | null;
  /** Undo is possible until then (ms epoch); null once the transfer stands. */
  undoUntilMs: number | null;
  dueAt: string | null;
  overdue: boolean;
  comment: string | null;
  rejectedError: string | null;
  /** Returned (or rejected) transfers need a call-taker's attention until acknowledged. */
  needsAttention: boolean;
}

export type TransferResult =
  | { kind: 'transferred'; transfer: TransferView; classification: Classification }
  /** The same call was already transferred: nothing new was written. */
  | { kind: 'already'; transfer: TransferView; classification: Classification }
  /** Target 110: nothing was transferred, the call stays with police. */
  | { kind: 'police'; classification: Classification }
  /** Refused: a red flag to civic without an override reason (on purpose), or the store cannot write. */
  | { kind: 'refused'; reason: 'red-flag' | 'storage'; message: string; classification: Classification | null };

export type UndoResult =
  | { kind: 'undone'; transfer: TransferView }
  | { kind: 'too-late'; transfer: TransferView }
  | { kind: 'nothing' }
  /** The disk refused the write: the transfer still stands (and may be sent), the call-taker must know. */
  | { kind: 'refused'; reason: 'storage'; message: string };

export interface InboxItemView {
  id: string;
  from: string;
  receivedAt: string;
  callerNumber: string | null;
  summary: string;
  category: string | null;
}

export interface SyncStateView {
  configured: boolean;
  online: boolean;
  queued: number;
  pending: number;
  rejected: number;
  lastSuccessAt: string | null;
  lastError: string | null;
  nextTryAt: string | null;
  credentialsRefused: boolean;
}

export interface KeyDeviceView {
  deviceId: string;
  name: string;
  vendorId: number;
  productId: number;
  path: string | null;
  state: 'connected' | 'missing' | 'learning';
}

export interface KeyStateView {
  backend: 'ok' | 'unavailable';
  backendError: string | null;
  devices: KeyDeviceView[];
  learning: null | { action: string };
  keyboardAccelerator: string | null;
}

export interface RulesInfoView {
  version: string;
  signer: string | null;
  installedAt: string;
  counts: { targets: number; categories: number; rules: number; redFlags: number };
}

export interface StatsView {
  since: string;
  calls: number;
  dispositions: { transferred: number; kept: number; invalid: number; open: number };
  transfersByTarget: Record<Exclude<TargetCode, '110'>, number>;
  nonPoliceShare: number;
  overrides: number;
  returned: number;
  overdue: number;
  dispatchesSaved: number;
}

export interface StorageView {
  /** False while the disk refuses writes (full, read-only, damaged): new transfers are then refused. */
  ok: boolean;
  problem: string | null;
  /** What happened at start that IT must know (e.g. a damaged database moved aside), shown until restart. */
  notice: string | null;
}

export interface TargetView {
  code: TargetCode;
  number: string;
  name: string;
}

export interface DeskSnapshot {
  deskId: string;
  operatorId: string;
  locale: Locale;
  undoWindowMs: number;
  targets: TargetView[];
  call: CallView;
  classification: Classification;
  transfers: TransferView[];
  inbox: InboxItemView[];
  sync: SyncStateView;
  keys: KeyStateView;
  rules: RulesInfoView;
  stats: StatsView;
  storage: StorageView;
}

export interface DeskCommandResults {
  snapshot: DeskSnapshot;
  newCall: CallView;
  setNote: Classification;
  setCallerNumber: CallView;
  transfer: TransferResult;
  undo: UndoResult;
  closeCall: { call: CallView; closed: { id: string; disposition: 'kept' | 'invalid' } };
  listTransfers: TransferView[];
  acknowledgeReturned: TransferView;
  acknowledgeInbox: InboxItemView[];
  stats: StatsView;
  learnKey: KeyStateView;
  cancelLearn: KeyStateView;
  setLocale: Locale;
  syncNow: SyncStateView;
}

/** Events pushed from the Desk to every adapter / screen. */
export interface DeskEvents {
  call: CallView;
  classification: Classification;
  transferCommitted: TransferResult & { kind: 'transferred' };
  transferChanged: TransferView;
  transfers: TransferView[];
  inbox: InboxItemView[];
  sync: SyncStateView;
  keys: KeyStateView;
  /** A mapped key action arrived (e.g. transfer from the pedal); `at`: when the key went down, epoch ms. */
  keyAction: { action: string; deviceId: string; at: number };
  rules: RulesInfoView;
  stats: StatsView;
  locale: Locale;
  storage: StorageView;
}
export type DeskEventName = keyof DeskEvents;

/** Wire messages of the WebSocket / IPC transports. */
export const deskRequestSchema = z.strictObject({
  id: z.number().int().nonnegative(),
  command: z.enum(Object.keys(deskCommandSchemas) as [DeskCommandName, ...DeskCommandName[]]),
  args: z.unknown(),
});
export type DeskRequest = z.infer<typeof deskRequestSchema>;

export type DeskResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: 'bad-request' | 'failed'; message: string } };

export type DeskEventMessage = { event: DeskEventName; payload: unknown };

/** What the renderer is given (preload bridge or WebSocket client). */
export interface DeskClient {
  call<N extends DeskCommandName>(command: N, args: DeskCommandArgs<N>): Promise<DeskCommandResults[N]>;
  on<E extends DeskEventName>(event: E, listener: (payload: DeskEvents[E]) => void): () => void;
}
