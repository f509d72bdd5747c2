// Adapts the transfer-key service (core/keys) and the sync engine (core/sync) to the Desk. Only the
// long-running adapters (browser desk, Electron) start them; one-shot CLI commands do not.
import type { KeyStateView } from '../api/contract';
import type { KeyServiceLike } from './desk';
import type { Db } from './store/database';
import { appendAudit } from './store/audit';
import { performance } from 'node:perf_hooks';
import { KeyService, systemClock, type Clock, type KeyServiceOptions } from './keys';

/** Wraps KeyService in the shape the Desk speaks (KeyStateView, learn as a state change, plain actions). */
export function deskKeyService(service: KeyService, clock: Clock = systemClock): KeyServiceLike & { start(): Promise<void> } {
  // Key events carry the key clock's monotonic time; the Desk API speaks epoch milliseconds (sub-ms precise).
  const toEpochMs = (at: number) => performance.timeOrigin + performance.now() - (clock.now() - at);
  let unavailable: { message: string; hint: string } | null = null;
  let learning: { action: string } | null = null;
  const stateListeners: ((state: KeyStateView) => void)[] = [];
  const state = (): KeyStateView => ({
    backend: unavailable ? 'unavailable' : 'ok',
    backendError: unavailable ? `${unavailable.message} — ${unavailable.hint}` : null,
    devices: service.devices().map((d) => ({
      deviceId: d.deviceId,
      name: d.name,
      vendorId: d.vendorId,
      productId: d.productId,
      path: d.path,
      state: d.state,
    })),
    learning,
    keyboardAccelerator: service.keyboardAccelerators()[0] ?? null,
  });
  const emitState = () => {
    const s = state();
    for (const listener of stateListeners) listener(s);
  };
  service.on('state', emitState);
  service.on('bindings', emitState);
  service.on('unavailable', (info) => {
    unavailable = info;
    emitState();
  });
  return {
    start: () => service.start(),
    state,
    learn(action) {
      learning = { action };
      // Learned, cancelled or refused: either way learn mode is over (the key service logs why).
      void service
        .learn(action)
        .catch(() => null)
        .then(() => {
          learning = null;
          emitState();
        });
      return state();
    },
    cancelLearn() {
      service.cancelLearn();
      learning = null;
      return state();
    },
    onState: (listener) => void stateListeners.push(listener),
    onAction: (listener) =>
      void service.on('action', (a) =>
        listener({ action: a.action, deviceId: a.event.deviceId, at: toEpochMs(a.event.at), source: a.event.source }),
      ),
    pressKey: (accelerator, options) => service.pressKey(accelerator, options),
    accelerators: () => service.keyboardAccelerators(),
    onBindings: (listener) => void service.on('bindings', listener),
    stop: () => service.stop(),
  };
}

export interface KeyServiceSetup extends Omit<KeyServiceOptions, 'config' | 'saveMapping'> {
  /** Persists the learned `keys` section (the user config file). */
  saveKeys(keys: KeyServiceOptions['config']): void;
  db: Db;
  operatorId: string;
}

export function createKeyService(config: KeyServiceOptions['config'], setup: KeyServiceSetup): KeyService {
  const { saveKeys, db, operatorId, ...options } = setup;
  return new KeyService({
    ...options,
    config,
    saveMapping: ({ learned, action, keys }) => {
      saveKeys(keys);
      db.transaction(() =>
        appendAudit(db, { kind: 'keys.mapping', subjectId: null, actor: operatorId, detail: { learned, action } }),
      ).immediate();
    },
  });
}
