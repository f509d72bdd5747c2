// The transfer key, composed: vendor-HID devices and keyboard-mode keys → debounce → learn mode or the action the
// configuration gives that button → `action` events for the Desk, plus the device list for the screen.
import { systemClock, silentLogger, type Clock, type KeyLogger } from './clock';
import { Debouncer } from './debounce';
import type { DeviceState, KeyAction, KeyActionEvent, KeyEvent } from './events';
import type { HidBackend } from './hid/backend';
import { createNodeHidBackend } from './hid/node-hid-backend';
import { HidKeySource, type HidDeviceEntry, type ReconnectPolicy } from './hid/reader';
import { KeyboardSource } from './keyboard';
import { applyLearnedKey, KeyLearner, type LearnedKey } from './learn';
import type { KeysConfig } from '../config/sections/keys';

export interface LearnedMapping {
  learned: LearnedKey;
  action: KeyAction;
  /** The whole `keys` section with the learned key applied: what the Desk persists in the user config. */
  keys: KeysConfig;
}

export interface KeyServiceOptions {
  config: KeysConfig;
  /** The HID library; default node-hid. `null`: keyboard-mode keys only. */
  backend?: HidBackend | null;
  clock?: Clock;
  log?: KeyLogger;
  reconnect?: Partial<ReconnectPolicy>;
  /** Persists a learned mapping. The service applies it to itself once this resolves. */
  saveMapping?(mapping: LearnedMapping): Promise<void> | void;
}

export interface KeyServiceEvents {
  /** A press that does something. Emitted synchronously on the device's `data` event. */
  action: KeyActionEvent;
  /** Every debounced event from every source (down, up, hold), also while learning. */
  key: KeyEvent;
  state: DeviceState[];
  /** The HID library cannot load: vendor-HID keys cannot work (keyboard-mode keys still do). */
  unavailable: { message: string; hint: string };
  /** The keyboard accelerators to bind changed (after learn or a config change). */
  bindings: string[];
}

type Listener<T> = (payload: T) => void;

export class KeyService {
  private config: KeysConfig;
  private readonly clock: Clock;
  private readonly log: KeyLogger;
  private readonly debouncer: Debouncer;
  private readonly keyboard: KeyboardSource;
  private readonly learner: KeyLearner;
  private readonly hid: HidKeySource | undefined;
  private readonly listeners: { [E in keyof KeyServiceEvents]: Set<Listener<KeyServiceEvents[E]>> } = {
    action: new Set(),
    key: new Set(),
    state: new Set(),
    unavailable: new Set(),
    bindings: new Set(),
  };
  private hidDevices: HidDeviceEntry[] = [];
  /** deviceId → button → action, rebuilt when devices or config change (the press path is one lookup). */
  private actionTable = new Map<string, Map<number, KeyAction>>();
  private keyboardTable = new Map<string, KeyAction>();
  private started = false;

  constructor(private readonly options: KeyServiceOptions) {
    this.config = options.config;
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLogger;
    const onEvent = (event: KeyEvent) => this.onKeyEvent(event);
    this.debouncer = new Debouncer({ debounceMs: this.config.debounceMs, holdMs: this.config.holdMs }, this.clock, onEvent);
    this.keyboard = new KeyboardSource(this.clock, this.config.keyboard.repeatGapMs, onEvent);
    this.learner = new KeyLearner(this.clock);
    const backend = options.backend === undefined ? createNodeHidBackend() : options.backend;
    if (backend) {
      this.hid = new HidKeySource({
        backend,
        clock: this.clock,
        log: this.log,
        policy: options.reconnect,
        onEdge: (edge) => this.debouncer.input(edge),
        onDevices: (devices) => {
          this.hidDevices = devices;
          this.rebuildActionTable();
          this.emit('state', this.devices());
        },
        onUnavailable: (error) => this.emit('unavailable', { message: error.message, hint: error.hint }),
      });
    }
    this.rebuildKeyboardTable();
  }

  on<E extends keyof KeyServiceEvents>(event: E, listener: Listener<KeyServiceEvents[E]>): () => void {
    const set = this.listeners[event] as Set<Listener<KeyServiceEvents[E]>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Opens the devices present now (resolves once they are open or failed); later ones are picked up as they come. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.hid?.start();
  }

  /** Closes every device; no event after this resolves. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.learner.cancel();
    this.debouncer.dispose();
    await this.hid?.stop();
  }

  devices(): DeviceState[] {
    const learning = this.learner.active;
    return this.hidDevices.map((d) => {
      const state: DeviceState = {
        deviceId: d.deviceId,
        name: d.info.product || d.profile.label,
        vendorId: d.info.vendorId,
        productId: d.info.productId,
        path: d.info.path,
        state: d.state === 'connected' && learning && d.profile.kind === 'vendor' ? 'learning' : d.state,
        profile: d.profile.id,
      };
      if (d.problem) state.problem = d.problem;
      return state;
    });
  }

  /** The accelerators the adapters bind (globalShortcut and in-window), canonical spelling. */
  keyboardAccelerators(): string[] {
    return [...this.keyboardTable.keys()];
  }

  /**
   * A keyboard-mode key was pressed (globalShortcut, or keydown in the window with `repeat` from the event).
   * While learning, any accelerator is taken; otherwise unbound keys do nothing.
   */
  pressKey(accelerator: string, options: { repeat?: boolean } = {}): boolean {
    return this.keyboard.press(accelerator, options);
  }

  get learning(): boolean {
    return this.learner.active;
  }

  /**
   * "Press your key now": the next press of any key is captured instead of acted on, saved through saveMapping
   * with `action`, and applied. Resolves with the key, or null when cancelled or after timeoutMs.
   */
  async learn(action: KeyAction, options: { timeoutMs?: number } = {}): Promise<LearnedKey | null> {
    const captured = this.learner.begin(options.timeoutMs ?? 15_000);
    this.emit('state', this.devices());
    const learned = await captured;
    this.emit('state', this.devices());
    if (!learned) return null;
    const keys = applyLearnedKey(this.config, learned, action);
    await this.options.saveMapping?.({ learned, action, keys });
    this.setConfig(keys);
    this.log.info({ learned, action }, 'transfer key learned');
    return learned;
  }

  cancelLearn(): void {
    this.learner.cancel();
  }

  setConfig(keys: KeysConfig): void {
    const before = this.keyboardAccelerators().join('\n');
    this.config = keys;
    this.debouncer.setTiming({ debounceMs: keys.debounceMs, holdMs: keys.holdMs });
    this.keyboard.setRepeatGap(keys.keyboard.repeatGapMs);
    this.rebuildActionTable();
    this.rebuildKeyboardTable();
    const after = this.keyboardAccelerators();
    if (after.join('\n') !== before) this.emit('bindings', after);
  }

  /** The action of a HID device's button: config entry for its path, then for its model, then the profile. */
  private resolveActions(device: HidDeviceEntry): Map<number, KeyAction> {
    const table = new Map<number, KeyAction>();
    if (device.profile.kind !== 'vendor') return table;
    for (const [button, action] of Object.entries(device.profile.defaultActions)) table.set(Number(button), action);
    const { vendorId, productId, path } = device.info;
    const sameModel = this.config.devices.filter((d) => d.vendorId === vendorId && d.productId === productId);
    const entry =
      sameModel.find((d) => d.path === path) ??
      sameModel.find((d) => d.path === undefined) ??
      // A learned entry whose path changed (re-plugged elsewhere) still applies unless it belongs to a device
      // that is present on its own path.
      sameModel.find((d) => !this.hidDevices.some((other) => other.info.path === d.path));
    for (const [button, action] of Object.entries(entry?.buttons ?? {})) table.set(Number(button), action);
    return table;
  }

  private rebuildActionTable(): void {
    const next = new Map<string, Map<number, KeyAction>>();
    for (const device of this.hidDevices) next.set(device.deviceId, this.resolveActions(device));
    this.actionTable = next;
  }

  private rebuildKeyboardTable(): void {
    const table = new Map<string, KeyAction>();
    const { keyboard } = this.config;
    for (const binding of keyboard.otherKeys) table.set(binding.accelerator, binding.action);
    table.set(keyboard.accelerator, keyboard.action);
    for (const [accelerator, action] of table) if (action === 'none') table.delete(accelerator);
    this.keyboardTable = table;
  }

  private onKeyEvent(event: KeyEvent): void {
    if (!this.started) return;
    this.emit('key', event);
    if (event.type !== 'down') return;
    if (this.learner.active) {
      const device = this.hidDevices.find((d) => d.deviceId === event.deviceId)?.info;
      if (this.learner.offer(event, device)) return;
    }
    const action =
      event.source === 'keyboard'
        ? this.keyboardTable.get(event.accelerator ?? '')
        : this.actionTable.get(event.deviceId)?.get(event.button);
    if (!action || action === 'none') return;
    this.emit('action', { action, event });
  }

  private emit<E extends keyof KeyServiceEvents>(event: E, payload: KeyServiceEvents[E]): void {
    for (const listener of this.listeners[event] as Set<Listener<KeyServiceEvents[E]>>) {
      // A failing listener must not reach the device's `data` handler (node-hid would report it as a read error).
      try {
        const result: unknown = listener(payload);
        if (result && typeof (result as Promise<unknown>).catch === 'function') {
          (result as Promise<unknown>).catch((error: unknown) => this.listenerFailed(event, error));
        }
      } catch (error) {
        this.listenerFailed(event, error);
      }
    }
  }

  private listenerFailed(event: string, error: unknown): void {
    this.log.error({ event, err: error instanceof Error ? error.stack ?? error.message : String(error) }, 'key listener failed');
  }
}
