// Debounce and hold, per device and button.
// A press is passed on at once (no added latency on the transfer path); a release only once the contact has stayed
// open for debounceMs. A worn contact that chatters on press, on release or for a moment while held therefore gives
// one down and one up. A key still held holdMs after its down gives one `hold`.
import type { Clock, TimerHandle } from './clock';
import type { ButtonName, KeyEvent, KeySourceKind } from './events';

export interface RawKeyEdge {
  deviceId: string;
  button: number;
  name: ButtonName;
  type: 'down' | 'up';
  source: KeySourceKind;
}

export interface DebounceTiming {
  debounceMs: number;
  holdMs: number;
}

interface KeyState {
  edge: RawKeyEdge;
  /** As told to listeners. */
  down: boolean;
  /** As the contact is now. */
  rawDown: boolean;
  releaseTimer?: TimerHandle;
  holdTimer?: TimerHandle;
}

export class Debouncer {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    private timing: DebounceTiming,
    private readonly clock: Clock,
    private readonly emit: (event: KeyEvent) => void,
  ) {}

  setTiming(timing: DebounceTiming): void {
    this.timing = { ...timing };
  }

  input(edge: RawKeyEdge): void {
    const id = `${edge.deviceId}\u0000${edge.button}`;
    let key = this.keys.get(id);
    if (!key) {
      key = { edge, down: false, rawDown: false };
      this.keys.set(id, key);
    }
    if (edge.type === 'down') {
      key.rawDown = true;
      if (key.releaseTimer !== undefined) {
        // Bounce: the contact closed again before its release was confirmed; still the same press.
        this.clock.clearTimeout(key.releaseTimer);
        key.releaseTimer = undefined;
        return;
      }
      if (key.down) return;
      key.down = true;
      const held = key;
      key.holdTimer = this.clock.setTimeout(() => {
        held.holdTimer = undefined;
        if (held.down && held.rawDown) this.send(held, 'hold', this.clock.now());
      }, this.timing.holdMs);
      this.send(key, 'down', this.clock.now());
      return;
    }
    key.rawDown = false;
    if (!key.down || key.releaseTimer !== undefined) return;
    const releasedAt = this.clock.now();
    if (this.timing.debounceMs === 0) {
      this.release(key, releasedAt);
      return;
    }
    const released = key;
    key.releaseTimer = this.clock.setTimeout(() => {
      released.releaseTimer = undefined;
      this.release(released, releasedAt);
    }, this.timing.debounceMs);
  }

  /** Stop every timer, without events (the service is stopping). */
  dispose(): void {
    for (const key of this.keys.values()) this.cancelTimers(key);
    this.keys.clear();
  }

  private release(key: KeyState, at: number): void {
    key.down = false;
    this.cancelTimers(key);
    this.send(key, 'up', at);
  }

  private cancelTimers(key: KeyState): void {
    if (key.holdTimer !== undefined) this.clock.clearTimeout(key.holdTimer);
    if (key.releaseTimer !== undefined) this.clock.clearTimeout(key.releaseTimer);
    key.holdTimer = undefined;
    key.releaseTimer = undefined;
  }

  private send(key: KeyState, type: KeyEvent['type'], at: number): void {
    const { deviceId, button, name, source } = key.edge;
    this.emit({ type, deviceId, button, name, at, source });
  }
}
