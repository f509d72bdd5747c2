// The screen's state: the Desk's snapshot, kept current by Desk events, plus what only the screen knows
// (the note being typed, the toast, which dialog is open). Commands go to the Desk; decisions come from it.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  CallView,
  Classification,
  DeskEvents,
  DeskSnapshot,
  Locale,
  TargetCode,
  TransferResult,
  TransferView,
  UndoResult,
} from '../../src-main/api/contract';
import type { ConnectionState, DeskConnection } from '../api/connection';
import { markKey } from '../perf';

export type Toast = { id: number } & (
  | { kind: 'transferred'; transfer: TransferView }
  | { kind: 'police' }
  | { kind: 'undone' | 'too-late' | 'already'; transfer: TransferView }
  | { kind: 'nothing' }
  | { kind: 'closed'; disposition: 'kept' | 'invalid' }
  | { kind: 'refused' | 'failed'; message: string }
);
type ToastInput = Toast extends infer T ? (T extends Toast ? Omit<T, 'id'> : never) : never;

export type Dialog = null | 'override' | 'settings';
export type TransferTrigger = 'screen' | 'keyboard';

export interface DeskState {
  connection: ConnectionState;
  /** The Desk's state, null until the first snapshot arrived. */
  desk: DeskSnapshot | null;
  /** The note as typed; sent to the Desk on every change (the Desk's copy may lag one message). */
  draft: string;
  toast: Toast | null;
  dialog: Dialog;
  /** Bumped whenever the note field should take the focus back. */
  focusTick: number;

  typeNote(note: string, options?: { composing?: boolean }): void;
  setCallerNumber(callerNumber: string): void;
  transfer(options: { trigger: TransferTrigger; target?: TargetCode; overrideReason?: string }): Promise<void>;
  undo(transferId?: string): Promise<void>;
  closeCall(disposition: 'kept' | 'invalid'): Promise<void>;
  acknowledgeReturned(transferId: string): Promise<void>;
  acknowledgeInbox(id: string): Promise<void>;
  learnKey(action: 'transfer' | 'undo' | 'keep' | 'invalid'): Promise<void>;
  cancelLearn(): Promise<void>;
  setLocale(locale: Locale): Promise<void>;
  syncNow(): Promise<void>;
  openDialog(dialog: Dialog): void;
  dismissToast(id: number): void;
}

export type DeskStore = StoreApi<DeskState>;

/** Sorted the way the call-taker needs them: what needs attention (returned, overdue) first, then newest first. */
export function orderTransfers(list: TransferView[]): TransferView[] {
  const weight = (t: TransferView) => (t.needsAttention ? 2 : t.overdue ? 1 : 0);
  return [...list].sort((a, b) => weight(b) - weight(a) || b.transferredAt.localeCompare(a.transferredAt));
}

export function createDeskStore(connection: DeskConnection): DeskStore {
  let toastSeq = 0;
  /** The last note the Desk was told, to flush a pending change before a transfer. */
  let sentNote = '';

  const store = createStore<DeskState>()((set, get) => {
    const patchDesk = (patch: Partial<DeskSnapshot>) => {
      const desk = get().desk;
      if (desk) set({ desk: { ...desk, ...patch } });
    };
    const showToast = (toast: ToastInput) => set({ toast: { ...toast, id: ++toastSeq } as Toast });
    const refocus = () => set((s) => ({ focusTick: s.focusTick + 1 }));
    /** Runs a command; a failure becomes a toast instead of an unhandled rejection. */
    const run = async <T>(work: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await work();
      } catch (error) {
        showToast({ kind: 'failed', message: (error as Error).message });
        return undefined;
      }
    };
    const flushNote = async () => {
      const { draft } = get();
      if (draft !== sentNote) {
        sentNote = draft;
        await connection.call('setNote', { note: draft });
      }
    };
    const showTransferResult = (result: TransferResult) => {
      switch (result.kind) {
        case 'transferred':
          // The transferCommitted event usually came first and already shows it.
          if (get().toast?.kind !== 'transferred' || (get().toast as { transfer?: TransferView }).transfer?.id !== result.transfer.id) {
            showToast({ kind: 'transferred', transfer: result.transfer });
          }
          break;
        case 'already':
          showToast({ kind: 'already', transfer: result.transfer });
          break;
        case 'police':
          showToast({ kind: 'police' });
          break;
        case 'refused':
          showToast({ kind: 'refused', message: result.message });
          break;
      }
    };
    const showUndoResult = (result: UndoResult) => {
      if (result.kind === 'nothing') showToast({ kind: 'nothing' });
      else if (result.kind === 'refused') showToast({ kind: 'refused', message: result.message });
      else showToast({ kind: result.kind, transfer: result.transfer });
    };

    return {
      connection: connection.state(),
      desk: null,
      draft: '',
      toast: null,
      dialog: null,
      focusTick: 0,

      typeNote(note, options) {
        set({ draft: note });
        // While an input method is composing, the text holds pinyin; the Desk hears the committed text.
        // While the connection is down the note stays here; it is sent again once the Desk is back.
        if (options?.composing || connection.state() !== 'open') return;
        sentNote = note;
        void run(() => connection.call('setNote', { note }));
      },
      setCallerNumber(callerNumber) {
        void run(() => connection.call('setCallerNumber', { callerNumber: callerNumber.trim() === '' ? null : callerNumber.trim() }));
      },
      async transfer({ trigger, target, overrideReason }) {
        const result = await run(async () => {
          await flushNote();
          return connection.call('transfer', { trigger, target, overrideReason });
        });
        if (result) {
          showTransferResult(result);
          if (result.kind === 'transferred' && get().dialog === 'override') set({ dialog: null });
        }
        refocus();
      },
      async undo(transferId) {
        const result = await run(() => connection.call('undo', transferId ? { transferId } : {}));
        if (result) showUndoResult(result);
        refocus();
      },
      async closeCall(disposition) {
        const result = await run(async () => {
          await flushNote();
          return connection.call('closeCall', { disposition });
        });
        if (result) showToast({ kind: 'closed', disposition });
        refocus();
      },
      async acknowledgeReturned(transferId) {
        await run(() => connection.call('acknowledgeReturned', { transferId }));
        refocus();
      },
      async acknowledgeInbox(id) {
        const inbox = await run(() => connection.call('acknowledgeInbox', { id }));
        if (inbox) patchDesk({ inbox });
        refocus();
      },
      async learnKey(action) {
        const keys = await run(() => connection.call('learnKey', { action }));
        if (keys) patchDesk({ keys });
      },
      async cancelLearn() {
        const keys = await run(() => connection.call('cancelLearn', {}));
        if (keys) patchDesk({ keys });
      },
      async setLocale(locale) {
        const result = await run(() => connection.call('setLocale', { locale }));
        if (result) patchDesk({ locale: result });
      },
      async syncNow() {
        const sync = await run(() => connection.call('syncNow', {}));
        if (sync) patchDesk({ sync });
      },
      openDialog(dialog) {
        set({ dialog });
        if (dialog === null) refocus();
      },
      dismissToast(id) {
        if (get().toast?.id === id) set({ toast: null });
      },
    };
  });

  bindDeskEvents(connection, store, {
    onCall(call, previous) {
      // A new call (or an undone one coming back) replaces what is in the note field; the same call keeps it.
      if (!previous || previous.id !== call.id) {
        sentNote = call.note;
        store.setState((s) => ({ draft: call.note, focusTick: s.focusTick + 1 }));
      }
    },
    onSnapshot(snapshot, previous) {
      // Back after a lost connection on the same call: what was typed meanwhile wins over the Desk's older copy.
      const draft = store.getState().draft;
      if (previous?.call.id === snapshot.call.id && draft !== snapshot.call.note) {
        sentNote = draft;
        void connection.call('setNote', { note: draft }).catch(() => undefined);
        return;
      }
      sentNote = snapshot.call.note;
      store.setState({ draft: snapshot.call.note });
    },
    showToast: (toast) => store.setState({ toast: { ...toast, id: ++toastSeq } as Toast }),
  });
  return store;
}

interface Hooks {
  onCall(call: CallView, previous: CallView | undefined): void;
  onSnapshot(snapshot: DeskSnapshot, previous: DeskSnapshot | null): void;
  showToast(toast: ToastInput): void;
}

/** Feeds Desk events into the store, and reloads the whole snapshot on every (re)connection. */
function bindDeskEvents(connection: DeskConnection, store: DeskStore, hooks: Hooks): void {
  const patch = (p: Partial<DeskSnapshot>) => {
    const desk = store.getState().desk;
    if (desk) store.setState({ desk: { ...desk, ...p } });
  };
  const upsertTransfer = (transfer: TransferView) => {
    const desk = store.getState().desk;
    if (!desk) return;
    const others = desk.transfers.filter((t) => t.id !== transfer.id);
    patch({ transfers: [transfer, ...others] });
  };
  const on = <E extends keyof DeskEvents>(event: E, listener: (payload: DeskEvents[E]) => void) => connection.on(event, listener);

  on('call', (call) => {
    const previous = store.getState().desk?.call;
    patch({ call });
    hooks.onCall(call, previous);
  });
  on('classification', (classification: Classification) => patch({ classification }));
  on('transferCommitted', ({ transfer }) => {
    upsertTransfer(transfer);
    hooks.showToast({ kind: 'transferred', transfer });
  });
  on('transferChanged', (transfer) => {
    upsertTransfer(transfer);
    const toast = store.getState().toast;
    if (toast && 'transfer' in toast && toast.transfer.id === transfer.id) {
      // An undo from the device key arrives this way: the toast says it was undone.
      if (toast.kind === 'transferred' && transfer.status === 'cancelled') hooks.showToast({ kind: 'undone', transfer });
      else store.setState({ toast: { ...toast, transfer } });
    }
  });
  on('transfers', (transfers) => patch({ transfers }));
  on('inbox', (inbox) => patch({ inbox }));
  on('sync', (sync) => patch({ sync }));
  on('keys', (keys) => patch({ keys }));
  on('rules', (rules) => patch({ rules }));
  on('stats', (stats) => patch({ stats }));
  on('locale', (locale) => patch({ locale }));
  on('storage', (storage) => patch({ storage }));
  on('keyAction', ({ action, at }) => {
    if (action === 'transfer') {
      markKey('device', at);
      // A police call produces no transfer event; what the screen showed as the key's target says it stayed.
      if (store.getState().desk?.classification.target === '110') hooks.showToast({ kind: 'police' });
    } else if (action === 'keep' || action === 'invalid') {
      hooks.showToast({ kind: 'closed', disposition: action === 'keep' ? 'kept' : 'invalid' });
    }
  });

  const load = async () => {
    try {
      const snapshot = await connection.call('snapshot', {});
      const previous = store.getState().desk;
      store.setState({ desk: snapshot });
      hooks.onSnapshot(snapshot, previous);
    } catch {
      // The connection dropped again; the next 'open' reloads.
    }
  };
  connection.onConnection((state) => {
    store.setState({ connection: state });
    if (state === 'open') void load();
  });
  if (connection.state() === 'open') void load();
}
