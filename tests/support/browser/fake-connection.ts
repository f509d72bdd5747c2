// A Desk connection for component tests: answers commands from a snapshot and handlers the test sets,
// records every call, and lets the test push Desk events as the real Desk would.
import type {
  Classification,
  DeskCommandArgs,
  DeskCommandName,
  DeskCommandResults,
  DeskEventName,
  DeskEvents,
  DeskSnapshot,
  TransferView,
} from '../../../src-main/api/contract';
import type { ConnectionState, DeskConnection } from '../../../src-renderer/api/connection';
import { DeskCallError } from '../../../src-renderer/api/connection';

type Handlers = { [N in DeskCommandName]?: (args: DeskCommandArgs<N>) => DeskCommandResults[N] | Promise<DeskCommandResults[N]> };

export class FakeDeskConnection implements DeskConnection {
  readonly calls: { command: DeskCommandName; args: unknown }[] = [];
  readonly handlers: Handlers = {};
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  private readonly connectionListeners = new Set<(state: ConnectionState) => void>();
  private current: ConnectionState = 'open';

  constructor(public snapshot: DeskSnapshot = makeSnapshot()) {
    this.handlers.snapshot = () => this.snapshot;
  }

  state(): ConnectionState {
    return this.current;
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  setConnection(state: ConnectionState): void {
    this.current = state;
    for (const listener of this.connectionListeners) listener(state);
  }

  async call<N extends DeskCommandName>(command: N, args: DeskCommandArgs<N>): Promise<DeskCommandResults[N]> {
    this.calls.push({ command, args });
    if (this.current !== 'open') throw new DeskCallError('disconnected', '与分流台的连接已断开');
    const handler = this.handlers[command] as ((a: DeskCommandArgs<N>) => DeskCommandResults[N]) | undefined;
    if (!handler) throw new DeskCallError('failed', `no handler for ${command} in this test`);
    return handler(args);
  }

  on<E extends DeskEventName>(event: E, listener: (payload: DeskEvents[E]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener as (payload: unknown) => void);
    return () => set.delete(listener as (payload: unknown) => void);
  }

  emit<E extends DeskEventName>(event: E, payload: DeskEvents[E]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }

  callsOf<N extends DeskCommandName>(command: N): DeskCommandArgs<N>[] {
    return this.calls.filter((c) => c.command === command).map((c) => c.args as DeskCommandArgs<N>);
  }
}

export function makeClassification(extra: Partial<Classification> = {}): Classification {
  return {
    target: '110',
    targetNumber: '110',
    targetName: '公安110',
    category: null,
    categoryName: null,
    redFlag: false,
    redFlags: [],
    matched: [],
    decidingRule: null,
    rulesVersion: '2026.1',
    ...extra,
  };
}

export const CIVIC_NOODLES = makeClassification({
  target: 'civic',
  targetNumber: '24365',
  targetName: '24365市民服务平台',
  category: 'civic.errand',
  categoryName: '个人事务求助',
  matched: ['米粉'],
});

export const RED_FLAG_KNIFE = makeClassification({
  target: '110',
  category: '110.weapon',
  categoryName: '持械',
  redFlag: true,
  redFlags: [{ code: 'weapon', label: '持械', phrase: '拿着刀' }],
  matched: ['欠钱', '拿着刀'],
});

export function makeTransfer(extra: Partial<TransferView> = {}): TransferView {
  const now = Date.now();
  return {
    id: 'tr-1',
    callId: 'call-1',
    callerNumber: '13800000000',
    callStartedAt: new Date(now - 60_000).toISOString(),
    transferredAt: new Date(now).toISOString(),
    target: 'civic',
    targetNumber: '24365',
    targetName: '24365市民服务平台',
    category: 'civic.errand',
    redFlag: false,
    override: null,
    trigger: 'hid-key',
    note: '报警人称想让110帮忙送一碗米粉到家里',
    rulesVersion: '2026.1',
    matchedTerms: ['米粉'],
    status: 'pending',
    statusAt: new Date(now).toISOString(),
    statusBy: null,
    undoUntilMs: now + 5000,
    dueAt: null,
    overdue: false,
    comment: null,
    rejectedError: null,
    needsAttention: false,
    ...extra,
  };
}

export function makeSnapshot(extra: Partial<DeskSnapshot> = {}): DeskSnapshot {
  return {
    deskId: 'nanbu-110-03',
    operatorId: 'op-7',
    locale: 'zh-CN',
    undoWindowMs: 5000,
    targets: [
      { code: '110', number: '110', name: '公安110' },
      { code: 'civic', number: '24365', name: '24365市民服务平台' },
      { code: '119', number: '119', name: '消防119' },
      { code: '120', number: '120', name: '急救120' },
      { code: '122', number: '122', name: '交警122' },
    ],
    call: { id: 'call-1', startedAt: new Date().toISOString(), callerNumber: null, note: '' },
    classification: makeClassification(),
    transfers: [],
    inbox: [],
    sync: { configured: true, online: true, queued: 0, pending: 0, rejected: 0, lastSuccessAt: new Date().toISOString(), lastError: null, nextTryAt: null, credentialsRefused: false },
    keys: {
      backend: 'ok',
      backendError: null,
      devices: [{ deviceId: 'pedal-1', name: 'Infinity IN-USB-2', vendorId: 0x05f3, productId: 0x00ff, path: '/dev/hidraw3', state: 'connected' }],
      learning: null,
      keyboardAccelerator: null,
    },
    rules: { version: '2026.1', signer: 'county', installedAt: new Date().toISOString(), counts: { targets: 5, categories: 40, rules: 400, redFlags: 60 } },
    stats: {
      since: new Date().toISOString(),
      calls: 0,
      dispositions: { transferred: 0, kept: 0, invalid: 0, open: 0 },
      transfersByTarget: { civic: 0, '119': 0, '120': 0, '122': 0 },
      nonPoliceShare: 0,
      overrides: 0,
      returned: 0,
      overdue: 0,
      dispatchesSaved: 0,
    },
    storage: { ok: true, problem: null, notice: null },
    ...extra,
  };
}
