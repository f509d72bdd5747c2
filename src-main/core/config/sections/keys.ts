// The `keys` section: what each transfer key does. Facts about the devices: docs/keys.md.
import { z } from 'zod';

export const keyActionSchema = z.enum(['transfer', 'undo', 'keep', 'invalid', 'none']);
export type KeyAction = z.infer<typeof keyActionSchema>;

const MODIFIER_ALIASES: Record<string, string> = {
  commandorcontrol: 'CmdOrCtrl',
  cmdorctrl: 'CmdOrCtrl',
  command: 'Cmd',
  cmd: 'Cmd',
  control: 'Ctrl',
  ctrl: 'Ctrl',
  alt: 'Alt',
  option: 'Alt',
  altgr: 'AltGr',
  shift: 'Shift',
  super: 'Super',
  meta: 'Super',
};
const MODIFIER_ORDER = ['CmdOrCtrl', 'Cmd', 'Ctrl', 'Alt', 'AltGr', 'Shift', 'Super'];
const NAMED_KEYS = [
  'Space', 'Tab', 'Backspace', 'Delete', 'Insert', 'Return', 'Enter', 'Up', 'Down', 'Left', 'Right', 'Home', 'End',
  'PageUp', 'PageDown', 'Escape', 'Esc', 'PrintScreen', 'ScrollLock', 'Pause', 'NumLock', 'CapsLock',
  'MediaPlayPause', 'MediaNextTrack', 'MediaPreviousTrack', 'MediaStop',
];
const NAMED_BY_LOWER = new Map(NAMED_KEYS.map((k) => [k.toLowerCase(), k]));

/**
 * An Electron accelerator in one canonical spelling ("ctrl+f13" → "Ctrl+F13"), or undefined when it is not one.
 * Keys: F1–F24, A–Z, 0–9, numpad num0–num9, and a few named keys (Space, Enter, PageUp, …).
 */
export function normalizeAccelerator(text: string): string | undefined {
  const parts = text.split('+').map((p) => p.trim());
  if (parts.some((p) => p === '')) return undefined;
  const keyPart = parts.pop()!;
  const mods = new Set<string>();
  for (const part of parts) {
    const mod = MODIFIER_ALIASES[part.toLowerCase()];
    if (!mod || mods.has(mod)) return undefined;
    mods.add(mod);
  }
  const lower = keyPart.toLowerCase();
  let key: string | undefined;
  const f = /^f([1-9]|1[0-9]|2[0-4])$/.exec(lower);
  if (f) key = `F${f[1]}`;
  else if (/^[a-z0-9]$/.test(lower)) key = lower.toUpperCase();
  else if (/^num[0-9]$/.test(lower)) key = lower;
  else key = NAMED_BY_LOWER.get(lower);
  if (!key) return undefined;
  return [...MODIFIER_ORDER.filter((m) => mods.has(m)), key].join('+');
}

export const acceleratorSchema = z.string().transform((text, ctx) => {
  const normalized = normalizeAccelerator(text);
  if (!normalized) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a key accelerator (examples: F13, Ctrl+Alt+F13; F13–F24 recommended)`,
    });
    return z.NEVER;
  }
  return normalized;
});

const keyBindingSchema = z.strictObject({ accelerator: acceleratorSchema, action: keyActionSchema });

export const keyDeviceMappingSchema = z.strictObject({
  vendorId: z.number().int().min(0).max(0xffff),
  productId: z.number().int().min(0).max(0xffff),
  /** Only for several identical devices: the path that tells them apart (learn mode fills it in). */
  path: z.string().min(1).optional(),
  /** Button number (from 1, left to right) → action. Buttons not listed keep the device's default. */
  buttons: z.record(z.string().regex(/^[1-8]$/, 'a button number from 1 to 8'), keyActionSchema),
});

export const keysConfigSchema = z.strictObject({
  debounceMs: z.number().int().min(0).max(500).default(30),
  holdMs: z.number().int().min(100).max(10_000).default(800),
  /** Per device: which button does what. */
  devices: z.array(keyDeviceMappingSchema).default([]),
  /** Keyboard-mode pedal: an Electron accelerator bound globally while the desk runs and inside its window. */
  keyboard: z
    .strictObject({
      accelerator: acceleratorSchema.default('F13'),
      action: keyActionSchema.default('transfer'),
      /** More keys, e.g. F14 for undo on a second pedal. */
      otherKeys: z.array(keyBindingSchema).default([]),
      /** Presses of the same key closer than this are one press (OS key repeat while held). */
      repeatGapMs: z.number().int().min(0).max(5000).default(1000),
    })
    .prefault({}),
});

export type KeysConfig = z.infer<typeof keysConfigSchema>;
export type KeysConfigInput = z.input<typeof keysConfigSchema>;
export type KeyDeviceMapping = z.infer<typeof keyDeviceMappingSchema>;
