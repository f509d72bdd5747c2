// What a transfer key says, whatever the device: one event per button edge, numbered from 1, left to right.
import type { KeyAction } from '../config/sections/keys';

export type { KeyAction };

/** Button names, left to right; a keyboard-mode key is named `key`. */
export const BUTTON_NAMES = ['left', 'middle', 'right', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth'] as const;
export type ButtonName = (typeof BUTTON_NAMES)[number] | 'key';

export type KeySourceKind = 'hid' | 'keyboard';

export interface KeyEvent {
  type: 'down' | 'up' | 'hold';
  deviceId: string;
  /** From 1, left to right. A keyboard-mode key is button 1. */
  button: number;
  name: ButtonName;
  /** Milliseconds on the injected clock (monotonic, not wall time). */
  at: number;
  source: KeySourceKind;
  /** Keyboard-mode keys only: the accelerator that was pressed, e.g. "F13". */
  accelerator?: string;
}

/** The name of button `button` (from 1) on a device whose buttons are named left to right. */
export function buttonName(button: number, names: readonly ButtonName[]): ButtonName {
  const name = names[button - 1] ?? BUTTON_NAMES[button - 1];
  if (!name) throw new RangeError(`button ${button}: no name (devices have at most ${BUTTON_NAMES.length} buttons)`);
  return name;
}

export type DeviceConnectionState = 'connected' | 'missing' | 'learning';

/** Why a device is not delivering presses, as a code the screen and the CLI translate. */
export interface DeviceProblem {
  code: 'open-failed' | 'permission' | 'read-error' | 'keyboard-mode';
  /** The system's own words (not translated), for IT. */
  detail: string;
}

export interface DeviceState {
  deviceId: string;
  /** Product name as the device reports it, else the profile's label. */
  name: string;
  vendorId: number;
  productId: number;
  path: string;
  state: DeviceConnectionState;
  /** Profile id (see profiles.ts), or `keyboard-mode` for a pedal that types keys and is not opened. */
  profile: string;
  problem?: DeviceProblem;
}

/** An action chosen by a key press, with the press that chose it. */
export interface KeyActionEvent {
  action: Exclude<KeyAction, 'none'>;
  event: KeyEvent;
}
