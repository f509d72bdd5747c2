// Input reports of the supported devices, byte for byte as node-hid 3 delivers them in `data` events. The XK-3's
// come from a public recording of a real device (XK3_RECORDING); the others are written from the formats in
// shared/hid-devices.md and the public drivers (node-elgato-stream-deck), no such device being at hand.
import type { HidDeviceInfo } from '../../../src-main/core/keys/hid/backend';

/** "01 02", "0102", "01:02" → bytes. */
export function reportBytes(hex: string): Uint8Array {
  const clean = hex.replace(/[\s:,-]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) throw new Error(`bad hex report: ${hex}`);
  return Uint8Array.from(clean.match(/../g) ?? [], (b) => parseInt(b, 16));
}

function hex(bytes: number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * X-keys XK-3: 32 bytes; unit id, flags (bit 0 is set in every report of the recorded device below), pedals, and a
 * running timestamp at bytes 18–21 that must not matter.
 */
function xk3(pedals: number, { flags = 0x01, unitId = 0, stamp = 0xcea4 } = {}): string {
  const r = new Array<number>(32).fill(0);
  r[0] = unitId;
  r[1] = flags;
  r[2] = pedals;
  r[18] = (stamp >>> 24) & 0xff;
  r[19] = (stamp >>> 16) & 0xff;
  r[20] = (stamp >>> 8) & 0xff;
  r[21] = stamp & 0xff;
  return hex(r);
}

/**
 * A real XK-3 (firmware 20) recorded pressing and releasing left, middle, right in turn: the `events` of
 * packages/node/src/__tests__/recordings/1080_XK-3 Foot Pedal.json in github.com/SuperFlyTV/xkeys.
 */
export const XK3_RECORDING = [
  '0001000000000000000000000000000000000000cea400000000000000000000',
  '0001020000000000000000000000000000000000cea500000000000000000000',
  '0001000000000000000000000000000000000000d68000000000000000000000',
  '0001040000000000000000000000000000000000da1300000000000000000000',
  '0001000000000000000000000000000000000000e4a900000000000000000000',
  '0001080000000000000000000000000000000000eda100000000000000000000',
  '0001000000000000000000000000000000000000f2b700000000000000000000',
] as const;

/** Stream Deck Pedal: report id 1, input type 0 (keys), key count 3 (LE), keys at 4..6, padded to 512. */
function pedal(left: number, middle: number, right: number, type = 0): string {
  const r = new Array<number>(512).fill(0);
  r[0] = 0x01;
  r[1] = type;
  r[2] = 0x03;
  r[4] = left;
  r[5] = middle;
  r[6] = right;
  return hex(r);
}

export const REPORTS = {
  infinity: {
    allUp: '0000',
    left: '0100',
    middle: '0200',
    right: '0400',
    leftMiddle: '0300',
    leftRight: '0500',
    middleRight: '0600',
    all: '0700',
    /** Too long. */
    garbageLength: '010000',
    /** Bit 3 is no pedal. */
    garbageBits: '0900',
  },
  xk3: {
    allUp: xk3(0x00, { stamp: 0x1000 }),
    left: xk3(0x02, { stamp: 0x1010 }),
    middle: xk3(0x04, { stamp: 0x1020 }),
    right: xk3(0x08, { stamp: 0x1030 }),
    leftRight: xk3(0x0a, { stamp: 0x1040 }),
    /** Reply to a state request, showing the middle pedal down: not a press. */
    stateReplyMiddle: xk3(0x04, { flags: 0x03, stamp: 0x1050 }),
    /** Program switch bit cleared (byte 1 bit 0), no pedal: no event either way. */
    programSwitch: xk3(0x00, { flags: 0x00, stamp: 0x1060 }),
    /** Version reply (byte 1 = 214): other fields are no pedal state. */
    versionReply: xk3(0x0e, { flags: 214, stamp: 0x1070 }),
    garbageBits: xk3(0x11, { stamp: 0x1080 }),
    garbageLength: xk3(0x02).slice(0, 40),
  },
  philips: {
    allUp: '00',
    left: '01',
    middle: '02',
    right: '04',
    fourth: '08',
    leftFourth: '09',
    garbageBits: '20',
    garbageTail: '0100ff',
  },
  streamDeckPedal: {
    allUp: pedal(0, 0, 0),
    left: pedal(1, 0, 0),
    middle: pedal(0, 1, 0),
    right: pedal(0, 0, 1),
    middleRight: pedal(0, 1, 1),
    /** Another input type (not keys) must not move any pedal. */
    otherInput: pedal(1, 1, 1, 0x03),
    garbageReportId: '02' + pedal(0, 1, 0).slice(2),
    garbageShort: '010003000100',
  },
} as const;

export const DEVICES = {
  infinity: (path = '/dev/hidraw3'): HidDeviceInfo => ({
    vendorId: 0x05f3, productId: 0x00ff, path, product: 'VEC USB Footpedal', manufacturer: 'VEC',
    interface: 0, usagePage: 0x000c, usage: 0x0003, release: 0x0100,
  }),
  /** The XK-3 shows two interfaces; only interface 0 carries the pedal reports. */
  xk3: (path = '/dev/hidraw4', iface = 0): HidDeviceInfo => ({
    vendorId: 0x05f3, productId: 0x0438, path, product: 'XK-3 Foot Pedal', manufacturer: 'P. I. Engineering',
    interface: iface, usagePage: iface === 0 ? 0x000c : 0x0001, usage: iface === 0 ? 0x0001 : 0x0006, release: 0x0100,
  }),
  philips: (path = '/dev/hidraw5'): HidDeviceInfo => ({
    vendorId: 0x0911, productId: 0x1844, path, product: 'Philips Foot Control', manufacturer: 'Philips',
    interface: 0, usagePage: 0xff00, usage: 0x0001,
  }),
  streamDeckPedal: (path = '/dev/hidraw6', serialNumber = 'CL12K1A00123'): HidDeviceInfo => ({
    vendorId: 0x0fd9, productId: 0x0086, path, product: 'Stream Deck Pedal', manufacturer: 'Elgato',
    serialNumber, interface: 0, usagePage: 0x000c, usage: 0x0001,
  }),
  pcsensor: (path = '/dev/hidraw7'): HidDeviceInfo => ({
    vendorId: 0x3553, productId: 0xb001, path, product: 'FootSwitch', manufacturer: 'PCsensor',
    interface: 0, usagePage: 0x0001, usage: 0x0006,
  }),
  mouse: (path = '/dev/hidraw0'): HidDeviceInfo => ({
    vendorId: 0x046d, productId: 0xc077, path, product: 'USB Optical Mouse', manufacturer: 'Logitech',
    interface: 0, usagePage: 0x0001, usage: 0x0002,
  }),
};
