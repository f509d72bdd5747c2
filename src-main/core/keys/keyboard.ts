// Keyboard-mode keys: pedals that type a key (F13–F24 recommended). The adapters call `press` from Electron's
// globalShortcut and from the window's keydown; a key bound this way gives key-down only, so this source emits
// `down` only. The OS repeats a held key (and a global shortcut fires on every repeat): presses of the same key
// closer together than repeatGapMs — measured from the last one seen, so a held key never gets through again —
// are one press.
import type { Clock } from './clock';
import { normalizeAccelerator } from '../config/sections/keys';
import type { KeyEvent } from './events';

export { normalizeAccelerator };

export class KeyboardSource {
  private readonly lastSeen = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private repeatGapMs: number,
    private readonly emit: (event: KeyEvent) => void,
  ) {}

  setRepeatGap(ms: number): void {
    this.repeatGapMs = ms;
  }

  /** Returns false when the press was not passed on (not an accelerator, an OS repeat, or too soon). */
  press(accelerator: string, options: { repeat?: boolean } = {}): boolean {
    const key = normalizeAccelerator(accelerator);
    if (!key) return false;
    const now = this.clock.now();
    const last = this.lastSeen.get(key);
    this.lastSeen.set(key, now);
    if (options.repeat) return false;
    if (last !== undefined && now - last < this.repeatGapMs) return false;
    this.emit({ type: 'down', deviceId: `keyboard:${key}`, button: 1, name: 'key', at: now, source: 'keyboard', accelerator: key });
    return true;
  }
}
