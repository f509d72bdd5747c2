import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, parseRetryAfter, MAX_RETRY_AFTER_MS } from '../../../src-main/core/sync/backoff';

const opts = { baseMs: 1000, capMs: 180_000 };

describe('backoff', () => {
  it('doubles the ceiling with each consecutive failure up to the cap', () => {
    expect([1, 2, 3, 4, 8, 9, 20, 500].map((n) => backoffCeiling(n, opts))).toEqual([1000, 2000, 4000, 8000, 128_000, 180_000, 180_000, 180_000]);
  });

  it('draws the wait anywhere below the ceiling (full jitter), never zero', () => {
    expect(backoffDelay(5, opts, () => 0)).toBe(100);
    expect(backoffDelay(5, opts, () => 0.5)).toBe(8000);
    expect(backoffDelay(5, opts, () => 0.999_999)).toBeLessThan(16_000);
    expect(backoffDelay(40, opts, () => 0.999_999)).toBeLessThanOrEqual(180_000);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-11-29T01:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads the three HTTP date forms', () => {
    expect(parseRetryAfter('Sun, 29 Nov 2026 01:00:45 GMT', now)).toBe(45_000);
    expect(parseRetryAfter('Sunday, 29-Nov-26 01:00:45 GMT', now)).toBe(45_000);
    expect(parseRetryAfter('Sun Nov 29 01:00:45 2026', now)).toBe(45_000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 00:59:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read and caps absurd waits at an hour', () => {
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter('2026-11-29T01:00:45Z', now)).toBeNull();
    expect(parseRetryAfter('999999999', now)).toBe(MAX_RETRY_AFTER_MS);
  });
});
