// Device profiles: which USB devices are transfer keys, and how one input report becomes a button bitset.
// Facts: ../../../shared/hid-devices.md (byte positions as node-hid 3 delivers them in a `data` event).
// A report is checked by hand here (length, report id, unknown bits) rather than with zod: this runs on every report
// on the key-press path, and each check names what was wrong so the log says why a report was ignored.
import type { KeyAction } from '../config/sections/keys';
import type { ButtonName } from './events';

/** Bit i (from 0) set = button i + 1 is down. */
export type ButtonBits = number;

export type DecodeResult =
  | { kind: 'buttons'; bits: ButtonBits }
  /** A report that is not about buttons (an X-keys state reply, a version reply): skipped quietly. */
  | { kind: 'ignored'; reason: string }
  /** Wrong length, wrong report id or unknown bits: logged and never a press. */
  | { kind: 'garbage'; reason: string };

export interface VendorProfile {
  kind: 'vendor';
  id: string;
  label: string;
  vendorId: number;
  productIds: readonly number[];
  /** USB interface to open when the device shows several (the others carry no pedal reports). */
  interface?: number;
  buttons: readonly ButtonName[];
  /** What each button does until the configuration says otherwise (button from 1). */
  defaultActions: Readonly<Record<number, KeyAction>>;
  decode(report: Uint8Array): DecodeResult;
}

/** A pedal that presents itself as a USB keyboard: the OS owns it, so it is bound as a keystroke, never opened. */
export interface KeyboardModeDevice {
  kind: 'keyboard-mode';
  id: 'keyboard-mode';
  label: string;
  vendorId: number;
  productId: number;
}

export type DeviceMatch = VendorProfile | KeyboardModeDevice;

const THREE_PEDALS: readonly ButtonName[] = ['left', 'middle', 'right'];

/**
 * Default actions. One button: it transfers. Three or more: the middle (on every supported three-pedal unit the
 * largest) transfers, the right one transfers too so that either main pedal works, the left one undoes the last
 * transfer within the undo window. Buttons past the third do nothing until configured. Dispositions
 * (`keep`, `invalid`) are never a default: a stray press must not record a disposition.
 */
export function defaultActionsFor(buttonCount: number): Record<number, KeyAction> {
  if (buttonCount === 1) return { 1: 'transfer' };
  const actions: Record<number, KeyAction> = {};
  for (let b = 1; b <= buttonCount; b++) actions[b] = 'none';
  actions[1] = 'undo';
  actions[2] = 'transfer';
  if (buttonCount >= 3) actions[3] = 'transfer';
  return actions;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}

/** VEC Infinity IN-USB-1/2/3: 2 bytes; byte 0 is the pedal bitmask (0x01 left, 0x02 middle, 0x04 right). */
const infinity: VendorProfile = {
  kind: 'vendor',
  id: 'vec-infinity',
  label: 'VEC Infinity IN-USB',
  vendorId: 0x05f3,
  productIds: [0x00ff],
  buttons: THREE_PEDALS,
  defaultActions: defaultActionsFor(3),
  decode(r) {
    if (r.length !== 2) return { kind: 'garbage', reason: `expected 2 bytes, got ${r.length}` };
    const b0 = r[0]!;
    if (b0 & ~0x07) return { kind: 'garbage', reason: `byte 0 has unknown bits ${hex(b0 & ~0x07)}` };
    if (r[1] !== 0) return { kind: 'garbage', reason: `byte 1 should be 0x00, got ${hex(r[1]!)}` };
    return { kind: 'buttons', bits: b0 };
  },
};

/**
 * X-keys XK-3 foot pedal: 32 bytes; byte 0 unit id; byte 1 bit 0 program switch, bit 1 set = a reply to a state
 * request (not a press); larger byte-1 values are other replies (version, …). Byte 2: 0x02 left, 0x04 middle,
 * 0x08 right.
 */
const xk3: VendorProfile = {
  kind: 'vendor',
  id: 'xkeys-xk3',
  label: 'X-keys XK-3 Foot Pedal',
  vendorId: 0x05f3,
  productIds: [0x0438, 0x043a],
  interface: 0,
  buttons: THREE_PEDALS,
  defaultActions: defaultActionsFor(3),
  decode(r) {
    if (r.length !== 32) return { kind: 'garbage', reason: `expected 32 bytes, got ${r.length}` };
    const b1 = r[1]!;
    if (b1 > 0x03) return { kind: 'ignored', reason: `reply report ${hex(b1)}` };
    if (b1 & 0x02) return { kind: 'ignored', reason: 'state reply (byte 1 bit 1)' };
    const b2 = r[2]!;
    if (b2 & ~0x0e) return { kind: 'garbage', reason: `byte 2 has unknown bits ${hex(b2 & ~0x0e)}` };
    return { kind: 'buttons', bits: b2 >> 1 };
  },
};

/**
 * Philips foot control ACC2310/2320: byte 0 bitmask, bit 0 left, bit 1 middle, bit 2 right, bit 3 the fourth
 * switch. The report length is not documented: 1 to 8 bytes are taken, and any other byte must be zero.
 */
const philips: VendorProfile = {
  kind: 'vendor',
  id: 'philips-acc2310',
  label: 'Philips Foot Control ACC2310/2320',
  vendorId: 0x0911,
  productIds: [0x1844],
  buttons: ['left', 'middle', 'right', 'fourth'],
  defaultActions: defaultActionsFor(4),
  decode(r) {
    if (r.length < 1 || r.length > 8) return { kind: 'garbage', reason: `expected 1 to 8 bytes, got ${r.length}` };
    const b0 = r[0]!;
    if (b0 & ~0x0f) return { kind: 'garbage', reason: `byte 0 has unknown bits ${hex(b0 & ~0x0f)}` };
    for (let i = 1; i < r.length; i++) {
      if (r[i] !== 0) return { kind: 'garbage', reason: `byte ${i} should be 0x00, got ${hex(r[i]!)}` };
    }
    return { kind: 'buttons', bits: b0 };
  },
};

/**
 * Elgato Stream Deck Pedal: report id 0x01; byte 1 is the input type (0x00 = keys); bytes 4, 5, 6 are left,
 * middle, right, non-zero = down. The device pads the report (512 bytes); at least 7 are needed.
 */
const streamDeckPedal: VendorProfile = {
  kind: 'vendor',
  id: 'elgato-pedal',
  label: 'Elgato Stream Deck Pedal',
  vendorId: 0x0fd9,
  productIds: [0x0086],
  buttons: THREE_PEDALS,
  defaultActions: defaultActionsFor(3),
  decode(r) {
    if (r.length < 7 || r.length > 1024) {
      return { kind: 'garbage', reason: `expected 7 to 1024 bytes, got ${r.length}` };
    }
    if (r[0] !== 0x01) return { kind: 'garbage', reason: `report id should be 0x01, got ${hex(r[0]!)}` };
    if (r[1] !== 0x00) return { kind: 'ignored', reason: `input type ${hex(r[1]!)} is not keys` };
    return { kind: 'buttons', bits: (r[4] ? 1 : 0) | (r[5] ? 2 : 0) | (r[6] ? 4 : 0) };
  },
};

export const VENDOR_PROFILES: readonly VendorProfile[] = [infinity, xk3, philips, streamDeckPedal];

const KEYBOARD_MODE_IDS: readonly (readonly [number, number])[] = [
  [0x0c45, 0x7403],
  [0x0c45, 0x7404],
  [0x413d, 0x2107],
  [0x1a86, 0xe026],
  [0x3553, 0xb001],
];

export const KEYBOARD_MODE_DEVICES: readonly KeyboardModeDevice[] = KEYBOARD_MODE_IDS.map(([vendorId, productId]) => ({
  kind: 'keyboard-mode',
  id: 'keyboard-mode',
  label: 'PCsensor/iKKEGOL FootSwitch',
  vendorId,
  productId,
}));

/** The profile for a vendor/product pair (any interface), or the keyboard-mode entry, or undefined. */
export function findProfile(vendorId: number, productId: number): DeviceMatch | undefined {
  return (
    VENDOR_PROFILES.find((p) => p.vendorId === vendorId && p.productIds.includes(productId)) ??
    KEYBOARD_MODE_DEVICES.find((d) => d.vendorId === vendorId && d.productId === productId)
  );
}

/**
 * Whether this enumeration entry is the one to open for the profile: devices show one entry per interface (and
 * per usage); only the pedal interface is wanted. An unknown interface number (-1 on some macOS backends) is kept.
 */
export function isPedalInterface(profile: VendorProfile, iface: number | undefined): boolean {
  if (profile.interface === undefined || iface === undefined || iface < 0) return true;
  return iface === profile.interface;
}

export function formatUsbId(vendorId: number, productId: number): string {
  return `${vendorId.toString(16).padStart(4, '0')}:${productId.toString(16).padStart(4, '0')}`;
}
