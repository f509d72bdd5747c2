// Bad HID reports, property-based: random bytes from a pedal never become a press. Checked twice: against the
// documented report formats (shared/hid-devices.md) without asking the decoder — a report of the wrong length
// or with bits no pedal has is never a key event — and as a stream: garbage between good reports changes nothing
// about the presses the good reports make. Through the real KeyService (reader, decoder, debounce) on fake devices.
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { VENDOR_PROFILES } from '../../../src-main/core/keys/profiles';
import { ReportDecoder } from '../../../src-main/core/keys/hid/decoder';
import { createRig } from '../../support/hid/rig';
import { DEVICES, REPORTS } from '../../support/hid/reports';

let stop: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stop?.();
  stop = null;
});

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

/** Reports no pedal of this model sends, by the documented format alone. */
const NOT_A_REPORT: Record<string, fc.Arbitrary<Uint8Array>> = {
  // 2 bytes: byte 0 pedal bits 0x07, byte 1 zero.
  'vec-infinity': fc.oneof(
    bytes(0, 1),
    bytes(3, 64),
    fc.tuple(fc.integer({ min: 0x08, max: 0xff }), fc.integer({ min: 0, max: 0xff })).map(([a, b]) => Uint8Array.from([a, b])),
    fc.tuple(fc.integer({ min: 0, max: 0x07 }), fc.integer({ min: 1, max: 0xff })).map(([a, b]) => Uint8Array.from([a, b])),
  ),
  // 32 bytes; byte 2 pedal bits 0x0e.
  'xkeys-xk3': fc.oneof(
    bytes(0, 31),
    bytes(33, 80),
    fc.tuple(bytes(32, 32), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 0xff }).filter((b) => (b & ~0x0e) !== 0)).map(([r, b1, b2]) => {
      const out = Uint8Array.from(r);
      out[1] = b1 & 0x01; // a pedal report, not a reply
      out[2] = b2;
      return out;
    }),
  ),
  // 1–8 bytes; byte 0 bits 0x0f; the rest zero.
  'philips-acc2310': fc.oneof(
    bytes(0, 0),
    bytes(9, 64),
    fc.tuple(fc.integer({ min: 0x10, max: 0xff }), bytes(0, 7).map((b) => b.fill(0))).map(([b0, rest]) => Uint8Array.from([b0, ...rest])),
    fc.tuple(fc.integer({ min: 0, max: 0x0f }), bytes(1, 7).filter((b) => b.some((x) => x !== 0))).map(([b0, rest]) => Uint8Array.from([b0, ...rest])),
  ),
  // Report id 0x01, at least 7 bytes.
  'elgato-pedal': fc.oneof(bytes(0, 6), bytes(7, 600).map((b) => {
    const out = Uint8Array.from(b);
    out[0] = out[0] === 0x01 ? 0x02 : out[0]!;
    return out;
  })),
};

const MIDDLE_DOWN: Record<string, string> = {
  'vec-infinity': REPORTS.infinity.middle,
  'xkeys-xk3': REPORTS.xk3.middle,
  'philips-acc2310': REPORTS.philips.middle,
  'elgato-pedal': REPORTS.streamDeckPedal.middle,
};

const DEVICE_OF: Record<string, () => ReturnType<(typeof DEVICES)['infinity']>> = {
  'vec-infinity': () => DEVICES.infinity(),
  'xkeys-xk3': () => DEVICES.xk3(),
  'philips-acc2310': () => DEVICES.philips(),
  'elgato-pedal': () => DEVICES.streamDeckPedal(),
};

describe('HID reports, property-based', () => {
  it('covers every supported pedal model', () => {
    expect(VENDOR_PROFILES.map((p) => p.id).sort()).toEqual(Object.keys(NOT_A_REPORT).sort());
  });

  for (const profile of VENDOR_PROFILES) {
    it(`${profile.label}: a report outside the format never gives an edge, whatever came before`, () => {
      fc.assert(
        fc.property(fc.array(bytes(0, 40), { maxLength: 5 }), NOT_A_REPORT[profile.id]!, (before, bad) => {
          const decoder = new ReportDecoder(profile);
          for (const r of before) decoder.feed(r);
          const result = decoder.feed(bad);
          expect(result.kind === 'edges' ? result.edges : []).toEqual([]);
        }),
        { numRuns: 300, seed: 51 },
      );
    });

    it(`${profile.label}: garbage between good reports changes none of their presses`, () => {
      const good = fc.oneof(bytes(0, 40), NOT_A_REPORT[profile.id]!.map((b) => ({ junk: b })));
      fc.assert(
        fc.property(fc.array(good, { maxLength: 30 }), (stream) => {
          const all = new ReportDecoder(profile);
          const clean = new ReportDecoder(profile);
          const edgesAll: string[] = [];
          const edgesClean: string[] = [];
          for (const item of stream) {
            const report = item instanceof Uint8Array ? item : item.junk;
            const r = all.feed(report);
            if (r.kind === 'edges') edgesAll.push(...r.edges.map((e) => `${e.type}${e.button}`));
            if (item instanceof Uint8Array) {
              const c = clean.feed(report);
              if (c.kind === 'edges') edgesClean.push(...c.edges.map((e) => `${e.type}${e.button}`));
            }
            // No edge names a button the model does not have.
            if (r.kind === 'edges') for (const e of r.edges) expect(e.button).toBeLessThanOrEqual(profile.buttons.length);
          }
          expect(edgesAll).toEqual(edgesClean);
        }),
        { numRuns: 300, seed: 52 },
      );
    });

    it(`${profile.label}: through the running key service, a stream of bad reports is never a key event`, async () => {
      const rig = createRig();
      rig.backend.plug(DEVICE_OF[profile.id]!());
      stop = () => rig.service.stop();
      await rig.service.start();
      const device = rig.backend.opened[0]!;
      const reports = fc.sample(NOT_A_REPORT[profile.id]!, { numRuns: 400, seed: 53 });
      for (const r of reports) {
        device.send(r);
        await rig.clock.advance(7);
      }
      expect(rig.keys).toEqual([]);
      expect(rig.actions).toEqual([]);
      expect(rig.stateOf(device.path)).toBe('connected');
      // The same service still hears a real press: the silence above was not a deaf rig.
      device.send(MIDDLE_DOWN[profile.id]!);
      await rig.clock.advance(100);
      expect(rig.keyLines()).toContain('down 2 middle');
    });
  }
});
