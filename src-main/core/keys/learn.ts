// Learn mode: "press your key now". The next `down` from any source is captured (which device, which button or
// key), and turned into a change of the `keys` configuration that the Desk saves.
import type { Clock, TimerHandle } from './clock';
import type { KeyAction, KeyEvent } from './events';
import type { KeysConfig } from '../config/sections/keys';

export type LearnedKey =
  | {
      source: 'hid';
      deviceId: string;
      vendorId: number;
      productId: number;
      path: string;
      usagePage?: number;
      usage?: number;
      /** From 1, left to right. */
      button: number;
      name: string;
    }
  | { source: 'keyboard'; accelerator: string };

/** What the device behind a HID event is, as the learner records it. */
export interface LearnDeviceInfo {
  vendorId: number;
  productId: number;
  path: string;
  usagePage?: number;
  usage?: number;
}

export class KeyLearner {
  private pending: { resolve(key: LearnedKey | null): void; timer: TimerHandle } | undefined;

  constructor(private readonly clock: Clock) {}

  get active(): boolean {
    return this.pending !== undefined;
  }

  /** Waits for the next press; null when cancelled, timed out or replaced by a newer learn. */
  begin(timeoutMs: number): Promise<LearnedKey | null> {
    this.finish(null);
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => this.finish(null), timeoutMs);
      this.pending = { resolve, timer };
    });
  }

  /** Offers a key event; true when it was captured (the caller then must not act on it). */
  offer(event: KeyEvent, device: LearnDeviceInfo | undefined): boolean {
    if (!this.pending || event.type !== 'down') return false;
    if (event.source === 'keyboard') {
      if (!event.accelerator) return false;
      this.finish({ source: 'keyboard', accelerator: event.accelerator });
      return true;
    }
    if (!device) return false;
    this.finish({
      source: 'hid',
      deviceId: event.deviceId,
      vendorId: device.vendorId,
      productId: device.productId,
      path: device.path,
      ...(device.usagePage !== undefined ? { usagePage: device.usagePage } : {}),
      ...(device.usage !== undefined ? { usage: device.usage } : {}),
      button: event.button,
      name: event.name,
    });
    return true;
  }

  cancel(): void {
    this.finish(null);
  }

  private finish(key: LearnedKey | null): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    this.clock.clearTimeout(pending.timer);
    pending.resolve(key);
  }
}

/**
 * The `keys` section with a learned key set to `action`. A HID button is recorded for that device (by path, so
 * that identical devices stay apart; a device whose path changed still finds it when it is the only one).
 * A keyboard key replaces the main key when the main key had that action, else it is added to the other keys.
 */
export function applyLearnedKey(keys: KeysConfig, learned: LearnedKey, action: KeyAction): KeysConfig {
  if (learned.source === 'hid') {
    const devices = keys.devices.map((d) => ({ ...d, buttons: { ...d.buttons } }));
    let entry = devices.find(
      (d) => d.vendorId === learned.vendorId && d.productId === learned.productId && d.path === learned.path,
    );
    if (!entry) {
      entry = { vendorId: learned.vendorId, productId: learned.productId, path: learned.path, buttons: {} };
      devices.push(entry);
    }
    entry.buttons[String(learned.button)] = action;
    return { ...keys, devices };
  }
  const keyboard = { ...keys.keyboard, otherKeys: keys.keyboard.otherKeys.filter((k) => k.accelerator !== learned.accelerator) };
  if (keyboard.accelerator === learned.accelerator) keyboard.action = action;
  else if (keyboard.action === action) keyboard.accelerator = learned.accelerator;
  else keyboard.otherKeys.push({ accelerator: learned.accelerator, action });
  return { ...keys, keyboard };
}
