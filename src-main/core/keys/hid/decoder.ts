// One device's reports → button edges: decode with the profile, then compare bit by bit with the previous report.
import type { ButtonBits, DecodeResult, VendorProfile } from '../profiles';

export interface ButtonEdge {
  /** From 1, left to right. */
  button: number;
  type: 'down' | 'up';
}

export type FeedResult =
  | { kind: 'edges'; edges: ButtonEdge[] }
  | Exclude<DecodeResult, { kind: 'buttons' }>;

export class ReportDecoder {
  private previous: ButtonBits = 0;

  constructor(readonly profile: VendorProfile) {}

  /** Buttons whose bit changed since the last good report, left to right; an identical report gives none. */
  feed(report: Uint8Array): FeedResult {
    const decoded = this.profile.decode(report);
    if (decoded.kind !== 'buttons') return decoded;
    const next = decoded.bits;
    const changed = next ^ this.previous;
    this.previous = next;
    const edges: ButtonEdge[] = [];
    for (let bit = 0; changed >> bit; bit++) {
      if ((changed >> bit) & 1) edges.push({ button: bit + 1, type: (next >> bit) & 1 ? 'down' : 'up' });
    }
    return { kind: 'edges', edges };
  }

  /** The device went away: every button still down is released, and the next report starts from all-up. */
  releaseAll(): ButtonEdge[] {
    const edges: ButtonEdge[] = [];
    for (let bit = 0; this.previous >> bit; bit++) {
      if ((this.previous >> bit) & 1) edges.push({ button: bit + 1, type: 'up' });
    }
    this.previous = 0;
    return edges;
  }
}
