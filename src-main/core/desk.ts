// The Desk: composes store, rules, keys, transfers and sync behind the one typed API that Electron's
// preload, the browser desk and the CLI speak (src-main/api/contract.ts).
import type {
  CallView,
  Classification,
  DeskCommandName,
  DeskCommandParsed,
  DeskCommandResults,
  DeskEvents,
  DeskSnapshot,
  InboxItemView,
  KeyStateView,
  Locale,
  RulesInfoView,
  StatsView,
  StorageView,
  SyncStateView,
  TargetCode,
  TargetView,
  TransferResult,
  TransferView,
  UndoResult,
} from '../api/contract';
import type { DeskConfig } from './config/schema';
import type { Db } from './store/database';
import { TypedEmitter } from './events';
import { uuidv7 } from './store/ids';
import { toRfc3339 } from './store/time';
import { appendAudit } from './store/audit';
import { performTransfer, undoTransfer, closeCall, type CallState } from './transfers/transfer-action';
import { TransferRepository, toTransferView } from './transfers/repository';
import { Outbox } from './transfers/outbox';
import { shiftStats, startOfToday } from './transfers/stats';
import { InboxRepository } from './transfers/inbox';

/** What the Desk needs from the rules: the active classifier, its description, and the county's targets. */
export interface RulesProvider {
  classify(note: string): Classification;
  info(): RulesInfoView;
  targets(): TargetView[];
  /** Fired after a new pack became active (import, rollback, upstream) or the language changed. */
  onChange?(listener: () => void): void;
  /** Names in results follow the screen's language. */
  setLocale?(locale: Locale): void;
}

/** The background sync (core/sync), attached when an upstream is configured. */
export interface SyncEngineLike {
  state(): SyncStateView;
  syncNow(): Promise<SyncStateView>;
  start(): void;
  stop(): Promise<void>;
  onState(listener: (state: SyncStateView) => void): void;
  /** Transfers or inbox changed by the sync (statuses pulled, records delivered or rejected). */
  onData(listener: (what: 'transfers' | 'inbox') => void): void;
}

/** The transfer key (core/keys), attached where devices are read. */
export interface KeyServiceLike {
  state(): KeyStateView;
  learn(action: 'transfer' | 'undo' | 'keep' | 'invalid'): KeyStateView;
  cancelLearn(): KeyStateView;
  onState(listener: (state: KeyStateView) => void): void;
  onAction(listener: (action: { action: string; deviceId: string; at: number; source: 'hid' | 'keyboard' }) => void): void;
  /** A keyboard-mode key arrived (globalShortcut or a keydown in the window). True when it was bound. */
  pressKey(accelerator: string, options?: { repeat?: boolean }): boolean;
  /** Accelerators the adapters bind globally; changes are announced through onBindings. */
  accelerators(): string[];
  onBindings(listener: (accelerators: string[]) => void): void;
  stop(): Promise<void>;
}

export interface DeskDeps {
  db: Db;
  config: DeskConfig;
  rules: RulesProvider;
  now?: () => number;
  /** Persists a per-user setting (locale, learnt key mapping) into the user config file. */
  saveUserSetting?: (patch: Record<string, unknown>) => void;
  /** What the store found at start (damaged database moved aside, data dir not writable, disk full). */
  startupNotice?: { kind: 'database-damaged' | 'data-dir-read-only' | 'disk-full'; message: string } | null;
  /** Where log lines go; defaults to nothing (the CLI prints results itself). */
  log?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

const OFFLINE_SYNC: SyncStateView = {
  configured: false,
  online: false,
  queued: 0,
  pending: 0,
  rejected: 0,
  lastSuccessAt: null,
  lastError: null,
  nextTryAt: null,
  credentialsRefused: false,
};

const NO_KEYS: KeyStateView = { backend: 'unavailable', backendError: null, devices: [], learning: null, keyboardAccelerator: null };

/** SQLite result codes that mean "the disk will not take this write" rather than a bug. */
const STORAGE_CODES = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|CORRUPT|NOTADB|BUSY|LOCKED|PERM)/;

export class Desk extends TypedEmitter<DeskEvents> {
  readonly db: Db;
  readonly config: DeskConfig;
  readonly rules: RulesProvider;
  private readonly now: () => number;
  private readonly transfersRepo: TransferRepository;
  private readonly inboxRepo: InboxRepository;
  private call: CallState;
  private classification: Classification;
  private locale: Locale;
  private sync: SyncEngineLike | null = null;
  private keys: KeyServiceLike | null = null;
  private storageProblem: string | null = null;
  private readonly holdTimers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly deps: DeskDeps) {
    super();
    this.db = deps.db;
    this.config = deps.config;
    this.rules = deps.rules;
    this.now = deps.now ?? Date.now;
    this.locale = deps.config.locale;
    this.transfersRepo = new TransferRepository(this.db);
    this.inboxRepo = new InboxRepository(this.db);
    this.call = this.freshCall();
    this.classification = this.rules.classify('');
    const notice = deps.startupNotice;
    if (notice && notice.kind !== 'database-damaged') this.storageProblem = notice.message;
    this.rules.onChange?.(() => {
      this.classification = this.rules.classify(this.call.note);
      this.emit('rules', this.rules.info());
      this.emit('classification', this.classification);
    });
    // Transfers still held from a previous run: release or re-arm their undo windows.
    this.releaseHolds();
    for (const row of this.transfersRepo.list(0, 'pending')) this.armHold(row.id, row.hold_until_ms);
  }

  // ---- wiring ---------------------------------------------------------------------------------------------

  attachSync(engine: SyncEngineLike): void {
    this.sync = engine;
    engine.onState((state) => this.emit('sync', state));
    engine.onData((what) => {
      if (what === 'inbox') this.emit('inbox', this.inbox());
      else this.emitTransfers();
    });
  }

  attachKeys(service: KeyServiceLike): void {
    this.keys = service;
    service.onState((state) => this.emit('keys', state));
    service.onAction((action) => {
      this.emit('keyAction', { action: action.action, deviceId: action.deviceId, at: action.at });
      this.onKeyAction(action.action, action.source === 'hid' ? 'hid-key' : 'keyboard');
    });
  }

  /** A keyboard-mode transfer key (adapters: Electron globalShortcut, keydown in the window). */
  pressKeyboardKey(accelerator: string, options: { repeat?: boolean } = {}): boolean {
    if (this.keys) return this.keys.pressKey(accelerator, options);
    // No key service (one-shot tools): the configured key still does its action.
    if (accelerator !== this.config.keys.keyboard.accelerator || options.repeat) return false;
    this.onKeyAction(this.config.keys.keyboard.action, 'keyboard');
    return true;
  }

  /** The accelerators to bind globally. */
  keyboardAccelerators(): string[] {
    return this.keys?.accelerators() ?? [this.config.keys.keyboard.accelerator];
  }

  /** Learn mode bound another key: adapters re-register their global shortcuts. */
  onKeyboardBindings(listener: (accelerators: string[]) => void): void {
    this.keys?.onBindings(listener);
  }

  /** A mapped key was pressed. Never throws: a key press must not crash the desk. */
  onKeyAction(action: string, trigger: 'hid-key' | 'keyboard'): TransferResult | UndoResult | null {
    try {
      switch (action) {
        case 'transfer':
          return this.transfer({ trigger });
        case 'undo':
          return this.undo({});
        case 'keep':
          this.closeCall({ disposition: 'kept' });
          return null;
        case 'invalid':
          this.closeCall({ disposition: 'invalid' });
          return null;
        default:
          return null;
      }
    } catch (error) {
      this.deps.log?.warn({ err: error, action }, 'key action failed');
      return null;
    }
  }

  // ---- commands (one method per Desk API command) ---------------------------------------------------------

  snapshot(): DeskSnapshot {
    return {
      deskId: this.config.desk.id,
      operatorId: this.config.desk.operatorId,
      locale: this.locale,
      undoWindowMs: this.config.undoWindowMs,
      targets: this.rules.targets(),
      call: this.callView(),
      classification: this.classification,
      transfers: this.listTransfers({}),
      inbox: this.inbox(),
      sync: this.syncState(),
      keys: this.keys?.state() ?? NO_KEYS,
      rules: this.rules.info(),
      stats: this.stats({}),
      storage: this.storageView(),
    };
  }

  newCall(args: { callerNumber?: string | null; callId?: string } = {}): CallView {
    this.call = this.freshCall(args.callId, args.callerNumber ?? null);
    this.classification = this.rules.classify('');
    this.emit('call', this.callView());
    this.emit('classification', this.classification);
    return this.callView();
  }

  setNote(args: { note: string }): Classification {
    this.call = { ...this.call, note: args.note };
    this.classification = this.rules.classify(args.note);
    this.emit('classification', this.classification);
    return this.classification;
  }

  setCallerNumber(args: { callerNumber: string | null }): CallView {
    this.call = { ...this.call, callerNumber: args.callerNumber };
    this.emit('call', this.callView());
    return this.callView();
  }

  transfer(args: Partial<DeskCommandParsed<'transfer'>>): TransferResult {
    const nowMs = this.now();
    const trigger = args.trigger ?? 'screen';
    // Key and screen presses get an undo window; the CLI passes holdMs 0 through transferNow().
    return this.doTransfer(args, trigger, this.config.undoWindowMs, nowMs);
  }

  /** The CLI's transfer: exactly what a key press does, without the undo window. */
  transferNow(call: { note: string; callId?: string; callerNumber?: string | null }, args: { target?: TargetCode; overrideReason?: string }): TransferResult {
    this.call = this.freshCall(call.callId, call.callerNumber ?? null);
    this.call.note = call.note;
    this.classification = this.rules.classify(call.note);
    return this.doTransfer(args, 'screen', 0, this.now());
  }

  undo(args: { transferId?: string }): UndoResult {
    const nowMs = this.now();
    const id = args.transferId ?? this.transfersRepo.latestUndoable(nowMs);
    if (!id) return { kind: 'nothing' };
    const result = this.guardStorage(() =>
      undoTransfer(this.db, id, nowMs, this.config.desk.operatorId, (code) => this.targetName(code as TargetCode)),
    );
    if (result === null) return { kind: 'refused', reason: 'storage', message: `本地存储失败，撤销未完成：${this.storageProblem}` };
    if (result.kind === 'undone') {
      this.clearHold(id);
      // The call comes back to the card if the call-taker has not started the next one.
      if (this.call.note.trim() === '') {
        const row = this.transfersRepo.byId(id)!;
        this.call = { id: row.call_id, startedAt: row.call_started_at, callerNumber: row.caller_number, note: row.note };
        this.classification = this.rules.classify(row.note);
        this.emit('call', this.callView());
        this.emit('classification', this.classification);
      }
      this.emit('transferChanged', result.transfer);
      this.emitTransfers();
    }
    return result;
  }

  closeCall(args: { disposition: 'kept' | 'invalid' }): DeskCommandResults['closeCall'] {
    const closedId = this.call.id;
    const ok = this.guardStorage(() => {
      closeCall(this.db, this.call, this.classification, args.disposition, this.now(), this.config.desk.operatorId);
      return true;
    });
    if (!ok) throw new Error(this.storageProblem ?? 'storage failed');
    this.newCall();
    this.emit('stats', this.stats({}));
    return { call: this.callView(), closed: { id: closedId, disposition: args.disposition } };
  }

  listTransfers(args: { since?: string; status?: TransferView['status'] }): TransferView[] {
    this.releaseHolds();
    const sinceMs = args.since ? parseSince(args.since) : startOfToday(this.now());
    const nowMs = this.now();
    return this.transfersRepo.list(sinceMs, args.status).map((row) => toTransferView(row, nowMs, (c) => this.targetName(c as TargetCode)));
  }

  acknowledgeReturned(args: { transferId: string }): TransferView {
    const row = this.transfersRepo.byId(args.transferId);
    if (!row) throw new Error(`no transfer ${args.transferId}`);
    const nowMs = this.now();
    this.db.transaction(() => {
      this.transfersRepo.acknowledge(row.id, toRfc3339(nowMs));
      appendAudit(this.db, { kind: 'transfer.acknowledge', subjectId: row.id, actor: this.config.desk.operatorId, atMs: nowMs, detail: { status: row.status } });
    }).immediate();
    const view = toTransferView(this.transfersRepo.byId(row.id)!, nowMs, (c) => this.targetName(c as TargetCode));
    this.emit('transferChanged', view);
    this.emitTransfers();
    return view;
  }

  acknowledgeInbox(args: { id: string }): InboxItemView[] {
    const nowMs = this.now();
    this.db.transaction(() => {
      if (this.inboxRepo.acknowledge(args.id, toRfc3339(nowMs), this.config.desk.operatorId)) {
        appendAudit(this.db, { kind: 'inbox.acknowledge', subjectId: args.id, actor: this.config.desk.operatorId, atMs: nowMs, detail: {} });
      }
    }).immediate();
    const items = this.inbox();
    this.emit('inbox', items);
    return items;
  }

  stats(args: { since?: string }): StatsView {
    const nowMs = this.now();
    return shiftStats(this.db, args.since ? parseSince(args.since) : startOfToday(nowMs), nowMs);
  }

  learnKey(args: { action: 'transfer' | 'undo' | 'keep' | 'invalid' }): KeyStateView {
    if (!this.keys) throw new Error('no transfer-key reader is running on this desk');
    return this.keys.learn(args.action);
  }

  cancelLearn(): KeyStateView {
    return this.keys?.cancelLearn() ?? NO_KEYS;
  }

  setLocale(args: { locale: Locale }): Locale {
    this.locale = args.locale;
    this.deps.saveUserSetting?.({ locale: args.locale });
    this.rules.setLocale?.(args.locale);
    this.emit('locale', this.locale);
    return this.locale;
  }

  async syncNow(): Promise<SyncStateView> {
    return this.sync ? this.sync.syncNow() : this.syncState();
  }

  /** Validated dispatch used by every transport: the argument was parsed by the command's zod schema. */
  async execute<N extends DeskCommandName>(command: N, args: DeskCommandParsed<N>): Promise<DeskCommandResults[N]> {
    const handlers: { [K in DeskCommandName]: (a: DeskCommandParsed<K>) => DeskCommandResults[K] | Promise<DeskCommandResults[K]> } = {
      snapshot: () => this.snapshot(),
      newCall: (a) => this.newCall(a),
      setNote: (a) => this.setNote(a),
      setCallerNumber: (a) => this.setCallerNumber(a),
      transfer: (a) => this.transfer(a),
      undo: (a) => this.undo(a),
      closeCall: (a) => this.closeCall(a),
      listTransfers: (a) => this.listTransfers(a),
      acknowledgeReturned: (a) => this.acknowledgeReturned(a),
      acknowledgeInbox: (a) => this.acknowledgeInbox(a),
      stats: (a) => this.stats(a),
      learnKey: (a) => this.learnKey(a),
      cancelLearn: () => this.cancelLearn(),
      setLocale: (a) => this.setLocale(a),
      syncNow: () => this.syncNow(),
    };
    return handlers[command](args);
  }

  syncState(): SyncStateView {
    if (this.sync) return this.sync.state();
    const nowMs = this.now();
    const outbox = new Outbox(this.db);
    const held = outbox.countHeld(nowMs);
    return { ...OFFLINE_SYNC, queued: outbox.count() - held, pending: held };
  }

  inbox(): InboxItemView[] {
    return this.inboxRepo.unacknowledged();
  }

  /** Stops timers, the key reader and the sync, then closes the database. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.holdTimers.values()) clearTimeout(timer);
    this.holdTimers.clear();
    await this.keys?.stop();
    await this.sync?.stop();
    this.db.close();
  }

  // ---- internals ------------------------------------------------------------------------------------------

  private doTransfer(args: { target?: TargetCode; overrideReason?: string }, trigger: 'hid-key' | 'keyboard' | 'screen', holdMs: number, nowMs: number): TransferResult {
    const classification = this.classification;
    const result = this.guardStorage(() =>
      performTransfer(this.db, {
        call: this.call,
        classification,
        target: args.target,
        overrideReason: args.overrideReason,
        trigger,
        deskId: this.config.desk.id,
        operatorId: this.config.desk.operatorId,
        targetNumber: (code) => this.targetNumber(code),
        targetName: (code) => this.targetName(code),
        holdMs,
        nowMs,
      }),
    );
    if (result === null) {
      return { kind: 'refused', reason: 'storage', message: `本地存储失败，转接未完成：${this.storageProblem}`, classification };
    }
    if (result.kind === 'transferred') {
      if (holdMs > 0) this.armHold(result.transfer.id, nowMs + holdMs);
      this.emit('transferCommitted', result);
      this.newCall();
      // The list and the statistics are re-read after the press has been answered, not on its path.
      this.scheduleRefresh();
    }
    return result;
  }

  /** Runs a write; a disk that refuses it marks storage as failed (shown on screen) and yields null. */
  private guardStorage<T>(write: () => T): T | null {
    try {
      const result = write();
      if (this.storageProblem !== null) {
        this.storageProblem = null;
        this.emit('storage', this.storageView());
      }
      return result;
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (!STORAGE_CODES.test(code)) throw error;
      this.markStorageProblem(code);
      return null;
    }
  }

  private storageView(): StorageView {
    const notice = this.deps.startupNotice;
    return { ok: this.storageProblem === null, problem: this.storageProblem, notice: notice?.kind === 'database-damaged' ? notice.message : null };
  }

  private markStorageProblem(code: string): void {
    const problem = describeStorageError(code);
    this.deps.log?.warn({ code }, 'storage refused a write');
    if (problem === this.storageProblem) return;
    this.storageProblem = problem;
    this.emit('storage', this.storageView());
  }

  private armHold(id: string, untilMs: number): void {
    const timer = setTimeout(() => {
      this.holdTimers.delete(id);
      if (!this.closed) this.releaseHolds();
    }, Math.max(0, untilMs - this.now()) + 5);
    timer.unref();
    this.holdTimers.set(id, timer);
  }

  private clearHold(id: string): void {
    clearTimeout(this.holdTimers.get(id));
    this.holdTimers.delete(id);
  }

  private releaseHolds(): void {
    const nowMs = this.now();
    let released: string[] = [];
    try {
      released = this.transfersRepo.releaseHolds(nowMs, toRfc3339(nowMs));
    } catch (error) {
      // Held transfers stay pending (never sent early); the next release retries. Not a reason to clear a problem.
      if (!STORAGE_CODES.test((error as { code?: string }).code ?? '')) throw error;
      this.markStorageProblem((error as { code: string }).code);
    }
    for (const id of released) {
      const row = this.transfersRepo.byId(id);
      if (row) this.emit('transferChanged', toTransferView(row, nowMs, (c) => this.targetName(c as TargetCode)));
    }
    if (released.length > 0) {
      if (this.sync) void this.sync.syncNow().catch(() => undefined);
      else this.emit('sync', this.syncState());
    }
  }

  private refreshScheduled = false;

  /** Coalesces list/statistics refreshes after bursts of presses into one read. */
  private scheduleRefresh(): void {
    if (this.refreshScheduled) return;
    this.refreshScheduled = true;
    setImmediate(() => {
      this.refreshScheduled = false;
      if (this.closed) return;
      this.emitTransfers();
      this.emit('stats', this.stats({}));
    });
  }

  private emitTransfers(): void {
    this.emit('transfers', this.listTransfers({}));
    // Queued and held counts change with every transfer, whether or not a sync round runs now.
    this.emit('sync', this.syncState());
  }

  private freshCall(id?: string, callerNumber: string | null = null): CallState {
    const nowMs = this.now();
    return { id: id ?? uuidv7(nowMs), startedAt: toRfc3339(nowMs), callerNumber, note: '' };
  }

  private callView(): CallView {
    return { ...this.call };
  }

  private targetNumber(code: TargetCode): string {
    return this.rules.targets().find((t) => t.code === code)?.number ?? code;
  }

  private targetName(code: TargetCode): string {
    return this.rules.targets().find((t) => t.code === code)?.name ?? code;
  }
}

function parseSince(text: string): number {
  const ms = Date.parse(text.length === 10 ? `${text}T00:00:00` : text);
  if (!Number.isFinite(ms)) throw new Error(`since: "${text}" is not a date (use YYYY-MM-DD or RFC 3339)`);
  return ms;
}

function describeStorageError(code: string): string {
  if (code.startsWith('SQLITE_FULL')) return '磁盘已满（SQLITE_FULL）';
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_CANTOPEN')) return '数据目录只读（' + code + '）';
  if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')) return '数据库已损坏（' + code + '）';
  return `写入失败（${code}）`;
}
