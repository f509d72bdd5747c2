// The background sync of one desk with the county linkage platform (shared/upstream-api.md): pushes the outbox,
// pulls status updates, inbox items and the rules pack, and keeps the state the screen shows. Every transfer is
// delivered exactly once in effect: records go out with their stable ids until the upstream answers `created` or
// `duplicate` for them, and nothing is marked delivered before that answer is read.
//
// It never blocks the desk: network waits are async, each database step is one short transaction, the backlog
// is read in pages of at most one batch. Time, randomness and timers are injectable for tests.
import type { z } from 'zod';
import type { Db } from '../store/database';
import type { DeskConfig } from '../config/schema';
import type { SyncStateView } from '../../api/contract';
import type { SyncEngineLike } from '../desk';
import { toRfc3339 } from '../store/time';
import { Outbox, type OutboxEntry } from '../transfers/outbox';
import { TransferRepository, toUpstreamTransfer } from '../transfers/repository';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { UpstreamClient, isFailure, type Failure, type PushAnswer } from './client';
import { Redactor } from './redact';
import { inboxItemSchema, statusUpdateSchema, firstIssue, type StatusUpdate, type UpstreamInboxItem } from './schemas';
import { KEYS, SyncStore } from './sync-store';
import { TlsConfigError, tlsConnectOptions } from './tls';
import { createHttpTransport, type Transport } from './transport';

/** Contract limits of POST /v1/transfers. */
export const MAX_BATCH_RECORDS = 200;
export const MAX_BATCH_BYTES = 1024 * 1024;
/** 401/403: try again after this long, or at once when the configuration changes. */
export const CREDENTIALS_RETRY_MS = 5 * 60_000;
/** Batches pushed per round before the round also pulls (a long backlog must not starve status updates). */
const BATCHES_PER_ROUND = 25;
const PAGE_LIMIT = 200;
const PAGES_PER_ROUND = 25;
const LAST_SUCCESS_PERSIST_MS = 60_000;
const STATE_EMIT_INTERVAL_MS = 250;
/** Push requests on the wire at once while draining a backlog. */
const PIPELINE_DEPTH = 2;

export interface SyncTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SyncLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface SyncEngineOptions {
  db: Db;
  /** Uses `upstream` (URL, token, TLS, timings) and `desk.id`. */
  config: DeskConfig;
  now?: () => number;
  random?: () => number;
  timers?: SyncTimers;
  log?: SyncLog;
  /**
   * Hands a pack fetched from rules/current to the rules store, which verifies it (format, signature, newer
   * version) and installs it, or throws to refuse it (the installed rules stay). Without it, no pack is fetched.
   */
  installRulesPack?: (json: unknown, etag: string) => void | Promise<void>;
  /** Replaces the undici transport (tests). When given, the engine does not read TLS files. */
  transport?: Transport;
  backoff?: Partial<BackoffOptions>;
  credentialsRetryMs?: number;
}

/** What a round (or the CLI's run) did. */
export interface SyncReport {
  pushed: number;
  duplicates: number;
  rejected: number;
  updates: number;
  inbox: number;
  /** Records still in the outbox (not yet delivered, including those inside their undo window). */
  pending: number;
  lastError: string | null;
}

type DataKind = 'transfers' | 'inbox';

class Stopped extends Error {}

interface Item {
  seq: number;
  id: string;
  json: string;
  bytes: number;
}

const emptyReport = (): SyncReport => ({ pushed: 0, duplicates: 0, rejected: 0, updates: 0, inbox: 0, pending: 0, lastError: null });

export class SyncEngine implements SyncEngineLike {
  private config: DeskConfig;
  private readonly db: Db;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly timers: SyncTimers;
  private readonly backoff: BackoffOptions;
  private readonly credentialsRetryMs: number;
  private readonly outbox: Outbox;
  private readonly store: SyncStore;
  private readonly transfers: TransferRepository;

  private client: UpstreamClient | null = null;
  private transport: Transport | null = null;
  private ownsTransport = false;
  private redactor = new Redactor([]);
  /** Why the engine cannot run at all (no URL/token, unreadable certificate). */
  private configProblem: string | null = null;

  private online = false;
  private failures = 0;
  private lastError: string | null = null;
  private rulesProblem: string | null = null;
  private credentialsRefused = false;
  private lastSuccessMs: number | null = null;
  private lastSuccessPersistedMs = 0;
  /** Set while failing: when the next automatic attempt is due. */
  private nextTryMs: number | null = null;
  /** A wait the upstream asked for (credentials, Retry-After): not even syncNow() goes before it. */
  private waitUntilMs = 0;
  private moreToSend = false;
  private maxRecords = MAX_BATCH_RECORDS;
  private maxBytes = MAX_BATCH_BYTES;
  private rulesDueMs = 0;

  private started = false;
  private stopped = false;
  private timer: unknown = null;
  private running: Promise<SyncReport> | null = null;
  private rerun: Promise<SyncReport> | null = null;
  private cycleAbort: AbortController | null = null;
  private readonly sleepers = new Set<() => void>();
  private readonly stateListeners: ((state: SyncStateView) => void)[] = [];
  private readonly dataListeners: ((what: DataKind) => void)[] = [];
  private lastEmitted = '';
  private lastEmittedAtMs = 0;
  private walMode: boolean | null = null;

  constructor(private readonly options: SyncEngineOptions) {
    this.db = options.db;
    this.config = options.config;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.timers = options.timers ?? {
      setTimeout: (fn, ms) => {
        const handle = setTimeout(fn, ms);
        handle.unref();
        return handle;
      },
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    };
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.credentialsRetryMs = options.credentialsRetryMs ?? CREDENTIALS_RETRY_MS;
    this.outbox = new Outbox(this.db);
    this.store = new SyncStore(this.db);
    this.transfers = new TransferRepository(this.db);
    const last = this.store.get(KEYS.lastSuccessAt);
    this.lastSuccessMs = last ? Date.parse(last) : null;
    this.lastSuccessPersistedMs = this.lastSuccessMs ?? 0;
    const refused = this.refusedPack();
    if (refused) this.rulesProblem = `上级规则包未安装：${refused.error}`;
    this.buildClient();
  }

  // ---- SyncEngineLike -------------------------------------------------------------------------------------

  state(): SyncStateView {
    let queued = 0;
    let pending = 0;
    let rejected = 0;
    if (!this.stopped && this.db.open) {
      const nowMs = this.now();
      pending = this.outbox.countHeld(nowMs);
      queued = this.outbox.count() - pending;
      rejected = this.store.countRejected();
    } else {
      const last = this.lastEmitted ? (JSON.parse(this.lastEmitted) as SyncStateView) : null;
      queued = last?.queued ?? 0;
      pending = last?.pending ?? 0;
      rejected = last?.rejected ?? 0;
    }
    return {
      configured: this.configured(),
      online: this.online,
      queued,
      pending,
      rejected,
      lastSuccessAt: this.lastSuccessMs === null ? null : toRfc3339(this.lastSuccessMs),
      lastError: this.configProblem ?? this.lastError ?? this.rulesProblem,
      nextTryAt: this.nextTryMs === null ? null : toRfc3339(this.nextTryMs),
      credentialsRefused: this.credentialsRefused,
    };
  }

  /** One round now (a manual "sync now", or records just left their undo window). */
  async syncNow(): Promise<SyncStateView> {
    if (this.stopped) return this.state();
    // The upstream asked to wait (credentials refused, Retry-After): a button press does not change that.
    if (this.client && this.waitUntilMs <= this.now()) await this.runExclusive();
    else this.emitState();
    return this.state();
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.emitState();
    if (this.client) this.schedule(0);
  }

  /** Aborts the request in flight and waits for the round to end; nothing is written after this resolves. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.clearTimer();
    this.cycleAbort?.abort();
    for (const wake of this.sleepers) wake();
    await Promise.allSettled([this.running, this.rerun].filter(Boolean));
    if (this.ownsTransport) await this.transport?.close();
  }

  onState(listener: (state: SyncStateView) => void): void {
    this.stateListeners.push(listener);
  }

  onData(listener: (what: DataKind) => void): void {
    this.dataListeners.push(listener);
  }

  // ---- beyond the Desk's interface ------------------------------------------------------------------------

  /** New configuration (URL, token, certificates): credentials and backoff start afresh, a round runs at once. */
  updateConfig(config: DeskConfig): void {
    if (this.stopped) return;
    const old = this.ownsTransport ? this.transport : null;
    this.config = config;
    this.buildClient();
    // The round in flight (if any) finishes on the old connection, which closes after it.
    if (old) void Promise.allSettled([this.running]).then(() => old.close());
    this.credentialsRefused = false;
    this.waitUntilMs = 0;
    this.failures = 0;
    this.nextTryMs = null;
    this.lastError = null;
    this.online = false;
    this.maxRecords = MAX_BATCH_RECORDS;
    this.maxBytes = MAX_BATCH_BYTES;
    this.rulesDueMs = 0;
    this.emitState();
    if (this.started && this.client) this.schedule(0);
  }

  /** The CLI's `--until-empty`: rounds with the real backoff until the outbox is empty or the time is up. */
  async syncUntilEmpty(timeoutMs: number): Promise<SyncReport> {
    return this.withDeadline(timeoutMs, async (deadline, passed, total) => {
      for (;;) {
        const round = await this.runExclusive();
        add(total, round);
        if (this.stopped || passed() || this.outbox.count() === 0) return;
        let wakeAt: number;
        if (this.nextTryMs !== null) wakeAt = Math.max(this.nextTryMs, this.waitUntilMs);
        else if (this.moreToSend) wakeAt = this.now();
        else {
          // Nothing sendable now: only records inside their undo window are left.
          const release = this.outbox.nextRelease(this.now());
          if (release === null) return;
          wakeAt = release;
        }
        if (wakeAt >= deadline) return;
        await this.sleep(wakeAt - this.now());
        if (this.stopped || passed()) return;
      }
    });
  }

  /** The CLI without `--until-empty`: one round, bounded by the timeout. */
  async syncOnce(timeoutMs: number): Promise<SyncReport> {
    return this.withDeadline(timeoutMs, async (_deadline, _passed, total) => {
      if (this.client && this.waitUntilMs <= this.now()) add(total, await this.runExclusive());
    });
  }

  // ---- the round ------------------------------------------------------------------------------------------

  private async withDeadline(
    timeoutMs: number,
    body: (deadline: number, passed: () => boolean, total: SyncReport) => Promise<void>,
  ): Promise<SyncReport> {
    const deadline = this.now() + timeoutMs;
    const total = emptyReport();
    let passed = false;
    const timer = this.timers.setTimeout(() => {
      passed = true;
      this.cycleAbort?.abort();
      for (const wake of this.sleepers) wake();
    }, timeoutMs);
    try {
      if (this.client) await body(deadline, () => passed || this.now() >= deadline, total);
      else this.emitState();
    } finally {
      this.timers.clearTimeout(timer);
    }
    total.pending = this.db.open ? this.outbox.count() : total.pending;
    total.lastError = this.state().lastError;
    return total;
  }

  private runExclusive(): Promise<SyncReport> {
    if (this.running) {
      this.rerun ??= this.running.then(() => {
        this.rerun = null;
        return this.stopped ? emptyReport() : this.runRound();
      });
      return this.rerun;
    }
    return this.runRound();
  }

  private runRound(): Promise<SyncReport> {
    this.clearTimer();
    const round = this.round().finally(() => {
      this.running = null;
      this.scheduleNext();
    });
    this.running = round;
    return round;
  }

  private async round(): Promise<SyncReport> {
    const report = emptyReport();
    const client = this.client;
    if (!client || this.stopped) return report;
    const abort = new AbortController();
    this.cycleAbort = abort;
    this.moreToSend = false;
    try {
      this.releaseHolds();
      const failure =
        (this.online ? null : await this.probe(client, abort.signal)) ??
        (await this.pushAll(client, abort.signal, report)) ??
        (await this.pullUpdates(client, abort.signal, report)) ??
        (await this.pullInbox(client, abort.signal, report)) ??
        (await this.pullRules(client, abort.signal));
      if (failure) this.fail(failure);
      else this.succeed();
    } catch (error) {
      if (!(error instanceof Stopped)) {
        const code = (error as { code?: unknown }).code;
        const message = typeof code === 'string' && code.startsWith('SQLITE_') ? `本地存储出错（${code}）` : `同步出错：${this.redactor.text(String((error as Error).message ?? error)).slice(0, 200)}`;
        this.options.log?.warn({ code: typeof code === 'string' ? code : undefined, message }, 'sync round failed');
        this.fail({ kind: 'down', message, answered: this.online });
      }
    } finally {
      if (this.cycleAbort === abort) this.cycleAbort = null;
    }
    this.emitState();
    return report;
  }

  private async probe(client: UpstreamClient, signal: AbortSignal): Promise<Failure | null> {
    const answer = await client.health(signal);
    this.checkStopped();
    if (answer.kind === 'ok') {
      this.online = true;
      this.emitState();
      return null;
    }
    return answer;
  }

  private releaseHolds(): void {
    const nowMs = this.now();
    const released = this.write(() => this.db.transaction(() => this.transfers.releaseHolds(nowMs, toRfc3339(nowMs))).immediate());
    if (released.length > 0) this.emitData('transfers');
  }

  // ---- push -----------------------------------------------------------------------------------------------

  /**
   * Pushes up to BATCHES_PER_ROUND batches as a pipeline of PIPELINE_DEPTH requests: while batches are on the wire
   * the next page is read and serialized, and each batch is marked delivered only after its own answer was read.
   * The batches are disjoint, so the order of their acknowledgements does not matter. After an answer other than
   * plain results (a failure, a whole-batch 400, a 413) nothing new goes out until those on the wire are settled.
   */
  private async pushAll(client: UpstreamClient, signal: AbortSignal, report: SyncReport): Promise<Failure | null> {
    const window: { items: Item[]; answer: Promise<PushAnswer> }[] = [];
    let lastSeq = 0;
    let sent = 0;
    let exhausted = false;
    let steady = true;
    const launch = (): void => {
      const batch = this.nextBatch(lastSeq, report);
      if (!batch) {
        exhausted = true;
        return;
      }
      lastSeq = batch.lastSeq;
      sent += 1;
      window.push({ items: batch.items, answer: this.post(client, batch.items, signal) });
    };
    for (;;) {
      if (steady && window.length < PIPELINE_DEPTH && !exhausted && sent < BATCHES_PER_ROUND) launch();
      const head = window.shift();
      if (!head) break;
      // undici writes a request out only once the event loop turns: let it, then read the next page meanwhile.
      await yieldToIo();
      if (steady && window.length + 1 < PIPELINE_DEPTH && !exhausted && sent < BATCHES_PER_ROUND) launch();
      const answer = await head.answer;
      this.checkStopped();
      if (answer.kind !== 'results') steady = false;
      const failure = await this.sendBatch(client, head.items, signal, report, answer);
      if (failure) {
        // Batches already on the wire are still answered for: their acknowledgements are as good as any.
        for (const other of window) await this.sendBatch(client, other.items, signal, report, await other.answer, true);
        return failure;
      }
      this.emitStateThrottled();
      // Settled everything after a split or a 413: go on with batches cut to the new limits.
      if (!steady && window.length === 0) steady = true;
    }
    if (!exhausted && sent >= BATCHES_PER_ROUND) this.moreToSend = this.outbox.readBatch(lastSeq, this.now(), 1).length > 0;
    return null;
  }

  private post(client: UpstreamClient, items: readonly Item[], signal: AbortSignal): Promise<PushAnswer> {
    return client.push(this.body(items), signal);
  }

  /** The next batch after `afterSeq`, or null when nothing sendable is left. */
  private nextBatch(afterSeq: number, report: SyncReport): { items: Item[]; lastSeq: number } | null {
    for (;;) {
      this.checkStopped();
      const entries = this.outbox.readBatch(afterSeq, this.now(), this.maxRecords);
      if (entries.length === 0) return null;
      const batch = this.fit(entries, report);
      if (batch.items.length > 0) return batch;
      afterSeq = batch.lastSeq;
    }
  }

  /** As many entries as fit the batch limits; a record that alone exceeds the contract's 1 MiB is rejected here. */
  private fit(entries: OutboxEntry[], report: SyncReport): { items: Item[]; lastSeq: number } {
    const items: Item[] = [];
    const envelope = this.envelopeBytes();
    let bytes = envelope;
    let lastSeq = entries[0]!.seq - 1;
    for (const entry of entries) {
      const json = JSON.stringify(toUpstreamTransfer(entry.transfer));
      const size = Buffer.byteLength(json) + 1;
      if (envelope + size > MAX_BATCH_BYTES) {
        this.reject(entry.transfer.id, '记录超过 1 MiB，上级平台不会接收', report);
        lastSeq = entry.seq;
        continue;
      }
      if (items.length > 0 && bytes + size > this.maxBytes) break;
      items.push({ seq: entry.seq, id: entry.transfer.id, json, bytes: size });
      bytes += size;
      lastSeq = entry.seq;
    }
    return { items, lastSeq };
  }

  private envelopeBytes(): number {
    return Buffer.byteLength(`{"deskId":${JSON.stringify(this.config.desk.id)},"records":[]}`);
  }

  private body(items: readonly Item[]): string {
    return `{"deskId":${JSON.stringify(this.config.desk.id)},"records":[${items.map((i) => i.json).join(',')}]}`;
  }

  /**
   * Settles one batch given its first answer: results are recorded; a batch refused whole (400) is split to
   * isolate the bad records, a too-large one (413) re-cut smaller, and the parts sent one after another.
   * `resultsOnly`: record results if that is what came, and go no further (a failure is already being handled).
   */
  private async sendBatch(client: UpstreamClient, batch: Item[], signal: AbortSignal, report: SyncReport, first: PushAnswer, resultsOnly = false): Promise<Failure | null> {
    let queue: Item[][] = [batch];
    let pending: PushAnswer | null = first;
    while (queue.length > 0) {
      const items = queue.shift()!;
      const answer: PushAnswer = pending ?? (await this.post(client, items, signal));
      pending = null;
      this.checkStopped();
      if (isFailure(answer)) {
        if (answer.kind !== 'aborted') this.write(() => this.outbox.recordFailure(items.map((i) => i.id), answer.message));
        return answer;
      }
      this.online = true;
      if (answer.kind === 'results') {
        const failure = this.applyResults(items, answer.results, report);
        if (failure) return failure;
        continue;
      }
      if (resultsOnly) return null;
      if (answer.kind === 'too-large') {
        if (items.length === 1) return { kind: 'down', message: '上级平台连单条记录也不接收（HTTP 413）', answered: true };
        // Never raise a limit here: a batch sent before an earlier 413 came back brings its own 413 later.
        this.maxRecords = Math.min(this.maxRecords, Math.max(1, Math.floor(items.length / 2)));
        this.maxBytes = Math.min(this.maxBytes, Math.max(16 * 1024, Math.floor(items.reduce((n, i) => n + i.bytes, this.envelopeBytes()) / 2)));
        this.options.log?.info({ maxRecords: this.maxRecords, maxBytes: this.maxBytes }, 'upstream said 413: smaller batches');
        queue = this.chunk([items, ...queue].flat());
        continue;
      }
      // 400 without results: somewhere in this batch is a record the upstream will not take.
      if (items.length === 1) this.reject(items[0]!.id, answer.error, report);
      else queue.unshift(...halves(items));
    }
    return null;
  }

  /** Items re-cut into batches within the current limits (after a 413 lowered them). */
  private chunk(items: readonly Item[]): Item[][] {
    const batches: Item[][] = [];
    let current: Item[] = [];
    let bytes = this.envelopeBytes();
    for (const item of items) {
      if (current.length > 0 && (current.length >= this.maxRecords || bytes + item.bytes > this.maxBytes)) {
        batches.push(current);
        current = [];
        bytes = this.envelopeBytes();
      }
      current.push(item);
      bytes += item.bytes;
    }
    if (current.length > 0) batches.push(current);
    return batches;
  }

  private applyResults(items: readonly Item[], results: readonly { id: string; status: string; error?: string }[], report: SyncReport): Failure | null {
    const byId = new Map(results.map((r) => [r.id, r]));
    const delivered: { transferId: string; seq: number }[] = [];
    let missing = 0;
    for (const item of items) {
      const result = byId.get(item.id);
      if (!result) missing += 1;
      else if (result.status === 'created' || result.status === 'duplicate') {
        delivered.push({ transferId: item.id, seq: item.seq });
        if (result.status === 'created') report.pushed += 1;
        else report.duplicates += 1;
      }
    }
    const nowMs = this.now();
    this.write(() => this.withoutFsync(() => this.outbox.markDelivered(delivered, toRfc3339(nowMs))));
    for (const item of items) {
      const result = byId.get(item.id);
      if (result?.status === 'invalid') this.reject(item.id, result.error?.trim() || '上级平台认为此记录无效（未说明原因）', report);
    }
    if (delivered.length > 0) this.emitData('transfers');
    // Records without a result stay queued and go again; the backoff keeps a confused server from being hammered.
    if (missing > 0) return { kind: 'down', message: `上级平台的回复格式不对（transfers：${missing} 条记录没有结果）`, answered: true };
    return null;
  }

  private reject(transferId: string, error: string, report: SyncReport): void {
    const text = this.redactor.text(error).slice(0, 1000);
    const nowMs = this.now();
    this.write(() => this.outbox.markRejected(transferId, text, nowMs, toRfc3339(nowMs)));
    report.rejected += 1;
    this.options.log?.warn({ transferId, error: text }, 'upstream rejected a transfer record');
    this.emitData('transfers');
  }

  // ---- pull -----------------------------------------------------------------------------------------------

  private async pullUpdates(client: UpstreamClient, signal: AbortSignal, report: SyncReport): Promise<Failure | null> {
    let cursor = this.store.get(KEYS.updatesCursor);
    for (let page = 0; page < PAGES_PER_ROUND; page += 1) {
      const answer = await client.updates(cursor, PAGE_LIMIT, signal);
      this.checkStopped();
      if (answer.kind !== 'page') return answer;
      this.online = true;
      const updates = this.validItems<StatusUpdate>(answer.items, statusUpdateSchema, 'status update');
      if (updates.length === 0 && answer.next === cursor) return null;
      const stored = this.write(() => this.store.storeUpdates(updates, answer.next, toRfc3339(this.now())));
      report.updates += stored.stored;
      for (const id of stored.unknown) this.options.log?.warn({ transferId: id }, 'status update for a transfer this desk does not know (kept aside)');
      if (stored.applied > 0) this.emitData('transfers');
      if (answer.items.length === 0 || answer.next === cursor) return null;
      cursor = answer.next;
    }
    return null;
  }

  private async pullInbox(client: UpstreamClient, signal: AbortSignal, report: SyncReport): Promise<Failure | null> {
    let cursor = this.store.get(KEYS.inboxCursor);
    for (let page = 0; page < PAGES_PER_ROUND; page += 1) {
      const answer = await client.inbox(cursor, PAGE_LIMIT, signal);
      this.checkStopped();
      if (answer.kind !== 'page') return answer;
      this.online = true;
      const items = this.validItems<UpstreamInboxItem>(answer.items, inboxItemSchema, 'inbox item');
      if (items.length === 0 && answer.next === cursor) return null;
      const stored = this.write(() => this.store.storeInbox(items, answer.next, toRfc3339(this.now())));
      report.inbox += stored.stored;
      if (stored.stored > 0) this.emitData('inbox');
      if (answer.items.length === 0 || answer.next === cursor) return null;
      cursor = answer.next;
    }
    return null;
  }

  private async pullRules(client: UpstreamClient, signal: AbortSignal): Promise<Failure | null> {
    const install = this.options.installRulesPack;
    if (!install || this.now() < this.rulesDueMs) return null;
    // Asking with the refused pack's ETag: the upstream answers 304 until it has another pack, so a pack the
    // desk refuses is not downloaded and refused again every round.
    const refused = this.refusedPack();
    const answer = await client.rules(refused?.etag ?? this.store.get(KEYS.rulesEtag), signal);
    this.checkStopped();
    if (isFailure(answer)) {
      // An upstream that answers but will not give a pack (404, bad JSON) costs the rules, not the sync: record
      // it and ask again at the rules interval. No answer at all is a failure of the round like any other.
      if (answer.kind !== 'down' || !answer.answered) return answer;
      this.rulesProblem = `无法获取上级规则包：${answer.message}`;
      this.rulesDueMs = this.now() + this.config.upstream.rulesIntervalMs;
      this.options.log?.warn({ error: answer.message }, 'could not fetch the rules pack from upstream');
      return null;
    }
    this.online = true;
    this.rulesDueMs = this.now() + this.config.upstream.rulesIntervalMs;
    if (answer.kind === 'unchanged') {
      this.rulesProblem = refused ? `上级规则包未安装：${refused.error}` : null;
      return null;
    }
    if (answer.kind === 'none') {
      this.rulesProblem = null;
      return null;
    }
    try {
      await install(answer.json, answer.etag);
      this.checkStopped();
      this.write(() => {
        this.store.set(KEYS.rulesEtag, answer.etag);
        this.store.set(KEYS.rulesRefused, null);
      });
      this.rulesProblem = null;
      this.options.log?.info({ etag: answer.etag }, 'installed the rules pack from upstream');
    } catch (error) {
      if (error instanceof Stopped) throw error;
      const reason = this.redactor.text(String((error as Error)?.message ?? error)).slice(0, 300);
      this.write(() => this.store.set(KEYS.rulesRefused, JSON.stringify({ etag: answer.etag, error: reason })));
      this.rulesProblem = `上级规则包未安装：${reason}`;
      this.options.log?.warn({ etag: answer.etag, reason }, 'refused the rules pack from upstream; the installed rules stay');
    }
    return null;
  }

  private refusedPack(): { etag: string; error: string } | null {
    const text = this.store.get(KEYS.rulesRefused);
    if (!text) return null;
    try {
      const value = JSON.parse(text) as { etag?: unknown; error?: unknown };
      return typeof value.etag === 'string' ? { etag: value.etag, error: String(value.error ?? '') } : null;
    } catch {
      return null;
    }
  }

  /** Items of a page that match the contract; the others are logged and skipped. */
  private validItems<T>(items: unknown[], schema: z.ZodType<T>, what: string): T[] {
    const valid: T[] = [];
    items.forEach((item, index) => {
      const parsed = schema.safeParse(item);
      if (parsed.success) valid.push(parsed.data);
      else this.options.log?.warn({ index, problem: firstIssue(parsed.error) }, `skipped a malformed ${what} from upstream`);
    });
    return valid;
  }

  // ---- outcome, scheduling, state -------------------------------------------------------------------------

  private succeed(): void {
    const nowMs = this.now();
    this.failures = 0;
    this.online = true;
    this.lastError = null;
    this.credentialsRefused = false;
    this.waitUntilMs = 0;
    this.nextTryMs = null;
    this.lastSuccessMs = nowMs;
    if (nowMs - this.lastSuccessPersistedMs >= LAST_SUCCESS_PERSIST_MS) {
      this.write(() => this.store.set(KEYS.lastSuccessAt, toRfc3339(nowMs)));
      this.lastSuccessPersistedMs = nowMs;
    }
  }

  private fail(failure: Failure): void {
    if (failure.kind === 'aborted') return;
    const nowMs = this.now();
    let delay: number;
    if (failure.kind === 'credentials') {
      this.credentialsRefused = true;
      this.online = true;
      delay = this.credentialsRetryMs;
      this.waitUntilMs = nowMs + delay;
      this.lastError = failure.message;
    } else if (failure.kind === 'busy') {
      this.failures += 1;
      this.online = failure.answered;
      const backoff = backoffDelay(this.failures, this.backoff, this.random);
      delay = failure.retryAfterMs === null ? backoff : Math.max(failure.retryAfterMs, backoff);
      if (failure.retryAfterMs !== null) this.waitUntilMs = nowMs + failure.retryAfterMs;
      this.lastError = failure.message;
    } else {
      this.failures += 1;
      this.online = failure.answered;
      delay = backoffDelay(this.failures, this.backoff, this.random);
      this.lastError = failure.message;
    }
    this.nextTryMs = nowMs + delay;
    this.options.log?.warn({ error: this.lastError, failures: this.failures, retryInMs: delay }, 'upstream sync did not complete');
  }

  private scheduleNext(): void {
    if (!this.started || this.stopped || !this.client) return;
    const nowMs = this.now();
    if (this.nextTryMs !== null) return this.schedule(this.nextTryMs - nowMs);
    if (this.moreToSend) return this.schedule(0);
    const interval = this.config.upstream.intervalMs;
    let release: number | null = null;
    try {
      release = this.outbox.nextRelease(nowMs);
    } catch {
      // A database that cannot answer now is retried at the next round.
    }
    this.schedule(release === null ? interval : Math.min(interval, release - nowMs + 1));
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.runExclusive();
    }, Math.max(0, delayMs));
  }

  private clearTimer(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.timers.clearTimeout(handle);
        this.sleepers.delete(wake);
        resolve();
      };
      const handle = this.timers.setTimeout(wake, Math.max(0, ms));
      this.sleepers.add(wake);
    });
  }

  private configured(): boolean {
    return Boolean(this.config.upstream.url);
  }

  private buildClient(): void {
    const upstream = this.config.upstream;
    this.redactor = new Redactor([upstream.token, upstream.clientCert?.passphrase]);
    this.client = null;
    this.configProblem = null;
    if (!upstream.url) return;
    if (!upstream.token) {
      this.configProblem = '未配置上级平台令牌（upstream.token）';
      return;
    }
    let transport = this.options.transport ?? null;
    this.ownsTransport = !transport;
    if (!transport) {
      try {
        transport = createHttpTransport({ timeoutMs: upstream.timeoutMs, tls: tlsConnectOptions(upstream) });
      } catch (error) {
        if (!(error instanceof TlsConfigError)) throw error;
        this.configProblem = this.redactor.text(error.message);
        this.options.log?.warn({ error: this.configProblem }, 'upstream TLS configuration cannot be used');
        return;
      }
    }
    this.transport = transport;
    this.client = new UpstreamClient({
      transport,
      baseUrl: upstream.url,
      token: upstream.token,
      deskId: this.config.desk.id,
      timeoutMs: upstream.timeoutMs,
      now: this.now,
      redact: this.redactor,
    });
  }

  /**
   * Runs a write whose loss on power failure costs nothing but a repeat: a delivered mark that does not survive
   * makes the record go again and the upstream answer `duplicate`. In WAL mode synchronous=NORMAL keeps the
   * database consistent and skips the fsync; the desk's next transfer (FULL) fsyncs these frames with its own.
   * Synchronous code on the desk's one connection, so no other write runs under the relaxed setting.
   */
  private withoutFsync<T>(fn: () => T): T {
    this.walMode ??= this.db.pragma('journal_mode', { simple: true }) === 'wal';
    const previous = this.db.pragma('synchronous', { simple: true }) as number;
    if (!this.walMode || previous <= 1) return fn();
    this.db.pragma('synchronous = NORMAL');
    try {
      return fn();
    } finally {
      this.db.pragma(`synchronous = ${Math.trunc(previous)}`);
    }
  }

  private write<T>(fn: () => T): T {
    this.checkStopped();
    return fn();
  }

  private checkStopped(): void {
    if (this.stopped) throw new Stopped();
  }

  private emitState(): void {
    if (this.stopped) return;
    let state: SyncStateView;
    try {
      state = this.state();
    } catch (error) {
      this.options.log?.warn({ code: (error as { code?: unknown }).code }, 'sync state could not be read');
      return;
    }
    const key = JSON.stringify(state);
    if (key === this.lastEmitted) return;
    this.lastEmitted = key;
    for (const listener of this.stateListeners) listener(state);
  }

  /** While a backlog drains, the queued count changes every few milliseconds; the screen needs a few a second. */
  private emitStateThrottled(): void {
    const nowMs = this.now();
    if (nowMs - this.lastEmittedAtMs < STATE_EMIT_INTERVAL_MS) return;
    this.lastEmittedAtMs = nowMs;
    this.emitState();
  }

  private emitData(what: DataKind): void {
    if (this.stopped) return;
    for (const listener of this.dataListeners) listener(what);
  }
}

/** undici writes a request out only once the event loop turns; the database work after a post waits for that. */
function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function halves<T>(items: T[]): T[][] {
  const middle = Math.ceil(items.length / 2);
  return [items.slice(0, middle), items.slice(middle)];
}

function add(total: SyncReport, round: SyncReport): void {
  total.pushed += round.pushed;
  total.duplicates += round.duplicates;
  total.rejected += round.rejected;
  total.updates += round.updates;
  total.inbox += round.inbox;
}
