// Each device profile, through the report decoder, fed with the reports the devices send.
import { describe, expect, it } from 'vitest';
import { ReportDecoder, type ButtonEdge } from '../../../src-main/core/keys/hid/decoder';
import { findProfile, isPedalInterface, VENDOR_PROFILES, type VendorProfile } from '../../../src-main/core/keys/profiles';
import { REPORTS, reportBytes, XK3_RECORDING } from '../../support/hid/reports';

function profile(vendorId: number, productId: number): VendorProfile {
  const p = findProfile(vendorId, productId);
  if (p?.kind !== 'vendor') throw new Error('no vendor profile');
  return p;
}

/** Feeds reports in order; returns edges as "down 1" strings, and what was not a button report. */
function feed(p: VendorProfile, reports: string[]) {
  const decoder = new ReportDecoder(p);
  const edges: string[] = [];
  const skipped: string[] = [];
  for (const r of reports) {
    const result = decoder.feed(reportBytes(r));
    if (result.kind === 'edges') edges.push(...result.edges.map((e: ButtonEdge) => `${e.type} ${e.button}`));
    else skipped.push(result.kind);
  }
  return { edges, skipped };
}

describe('VEC Infinity 05f3:00ff', () => {
  const p = profile(0x05f3, 0x00ff);
  const R = REPORTS.infinity;

  it('gives one down and one up per pedal, left to right', () => {
    expect(feed(p, [R.left, R.allUp, R.middle, R.allUp, R.right, R.allUp]).edges).toEqual([
      'down 1', 'up 1', 'down 2', 'up 2', 'down 3', 'up 3',
    ]);
  });

  it('compares bit by bit: a second pedal joining or leaving touches only its own button', () => {
    expect(feed(p, [R.left, R.leftMiddle, R.all, R.middleRight, R.right, R.allUp]).edges).toEqual([
      'down 1', 'down 2', 'down 3', 'up 1', 'up 2', 'up 3',
    ]);
  });

  it('reports several buttons changing in one report, in button order', () => {
    expect(feed(p, [R.all, R.allUp]).edges).toEqual(['down 1', 'down 2', 'down 3', 'up 1', 'up 2', 'up 3']);
  });

  it('gives no event for a repeated identical report', () => {
    expect(feed(p, [R.middle, R.middle, R.middle, R.allUp, R.allUp]).edges).toEqual(['down 2', 'up 2']);
  });

  it('ignores reports of the wrong length or with unknown bits, keeping the previous state', () => {
    const { edges, skipped } = feed(p, [R.garbageLength, R.garbageBits, R.left, R.garbageBits, R.allUp]);
    expect(edges).toEqual(['down 1', 'up 1']);
    expect(skipped).toEqual(['garbage', 'garbage', 'garbage']);
  });
});

describe('X-keys XK-3 05f3:0438 / 05f3:043a', () => {
  const p = profile(0x05f3, 0x0438);
  const R = REPORTS.xk3;

  it('shares the vendor id with Infinity but is matched on the product id', () => {
    expect(profile(0x05f3, 0x043a).id).toBe('xkeys-xk3');
    expect(profile(0x05f3, 0x00ff).id).toBe('vec-infinity');
  });

  it('decodes a recording of a real XK-3: left, middle, right pressed and released in turn', () => {
    expect(feed(p, [...XK3_RECORDING])).toEqual({ edges: ['down 1', 'up 1', 'down 2', 'up 2', 'down 3', 'up 3'], skipped: [] });
  });

  it('decodes byte 2 (0x02 left, 0x04 middle, 0x08 right), whatever the timestamp bytes say', () => {
    expect(feed(p, [R.left, R.allUp, R.middle, R.allUp, R.right, R.leftRight, R.allUp]).edges).toEqual([
      'down 1', 'up 1', 'down 2', 'up 2', 'down 3', 'down 1', 'up 1', 'up 3',
    ]);
  });

  it('does not take a state reply (byte 1 bit 1) for a press', () => {
    const { edges, skipped } = feed(p, [R.stateReplyMiddle, R.allUp, R.versionReply]);
    expect(edges).toEqual([]);
    expect(skipped).toEqual(['ignored', 'ignored']);
  });

  it('does not take the program switch for a pedal', () => {
    expect(feed(p, [R.programSwitch, R.allUp]).edges).toEqual([]);
  });

  it('ignores unknown bits and short reports', () => {
    expect(feed(p, [R.garbageBits, R.garbageLength]).skipped).toEqual(['garbage', 'garbage']);
  });

  it('opens interface 0 only', () => {
    expect(isPedalInterface(p, 0)).toBe(true);
    expect(isPedalInterface(p, 1)).toBe(false);
    expect(isPedalInterface(p, -1)).toBe(true);
  });
});

describe('Philips ACC2310/2320 0911:1844', () => {
  const p = profile(0x0911, 0x1844);
  const R = REPORTS.philips;

  it('has four switches; the fourth is button 4', () => {
    expect(feed(p, [R.left, R.leftFourth, R.fourth, R.allUp]).edges).toEqual(['down 1', 'down 4', 'up 1', 'up 4']);
    expect(p.buttons).toEqual(['left', 'middle', 'right', 'fourth']);
  });

  it('ignores unknown bits and non-zero padding', () => {
    expect(feed(p, [R.garbageBits, R.garbageTail]).skipped).toEqual(['garbage', 'garbage']);
  });
});

describe('Elgato Stream Deck Pedal 0fd9:0086', () => {
  const p = profile(0x0fd9, 0x0086);
  const R = REPORTS.streamDeckPedal;

  it('reads bytes 4, 5, 6 after report id 0x01', () => {
    expect(feed(p, [R.left, R.allUp, R.middleRight, R.right, R.allUp]).edges).toEqual([
      'down 1', 'up 1', 'down 2', 'down 3', 'up 2', 'up 3',
    ]);
  });

  it('skips other input types and rejects a wrong report id or a short report', () => {
    const { edges, skipped } = feed(p, [R.otherInput, R.garbageReportId, R.garbageShort]);
    expect(edges).toEqual([]);
    expect(skipped).toEqual(['ignored', 'garbage', 'garbage']);
  });
});

describe('profiles', () => {
  it('recognises keyboard-mode pedals, which are bound as keys and never opened', () => {
    for (const [vid, pid] of [[0x0c45, 0x7403], [0x0c45, 0x7404], [0x413d, 0x2107], [0x1a86, 0xe026], [0x3553, 0xb001]] as const) {
      expect(findProfile(vid, pid)?.kind).toBe('keyboard-mode');
    }
    expect(findProfile(0x046d, 0xc077)).toBeUndefined();
  });

  it('three-pedal defaults: middle and right transfer, left undoes; nothing records a disposition', () => {
    for (const p of VENDOR_PROFILES) {
      expect(p.defaultActions[1]).toBe('undo');
      expect(p.defaultActions[2]).toBe('transfer');
      expect(p.defaultActions[3]).toBe('transfer');
      expect(Object.values(p.defaultActions)).not.toContain('keep');
      expect(Object.values(p.defaultActions)).not.toContain('invalid');
    }
  });

  it('never decodes random bytes into a button the device does not have', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (const p of VENDOR_PROFILES) {
      for (let i = 0; i < 2000; i++) {
        const length = [1, 2, 8, 32, 512][i % 5]!;
        const r = Uint8Array.from({ length }, rand);
        if (p.id === 'elgato-pedal') r[0] = 0x01;
        const result = p.decode(r);
        if (result.kind === 'buttons') expect(result.bits >> p.buttons.length).toBe(0);
      }
    }
  });
});
