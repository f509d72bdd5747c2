// When to try again. Exponential backoff with full jitter (AWS "Exponential Backoff and Jitter"): the n-th
// consecutive failure waits a random time up to min(cap, base·2^(n-1)), so a county's desks coming back after an
// outage do not knock in step. A small floor keeps an unlucky draw from retrying at once.
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, capMs: 180_000 };

/** The ceiling of the n-th consecutive failure's wait (n ≥ 1). */
export function backoffCeiling(failures: number, options: BackoffOptions): number {
  const exp = Math.min(30, Math.max(0, failures - 1));
  return Math.min(options.capMs, options.baseMs * 2 ** exp);
}

export function backoffDelay(failures: number, options: BackoffOptions, random: () => number): number {
  const ceiling = backoffCeiling(failures, options);
  const floor = Math.min(ceiling, options.baseMs / 10);
  return Math.max(floor, Math.floor(random() * ceiling));
}

/** A server's wait is honoured, but not beyond an hour: a broken header must not silence a desk for days. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/** `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3). Null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(MAX_RETRY_AFTER_MS, Number(text) * 1000);
  // The three HTTP date forms (IMF-fixdate, RFC 850, asctime); Date.parse accepts far more, so check the shape.
  let at: number;
  if (/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) at = Date.parse(text);
  else if (/^[A-Za-z]+, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT$/.test(text)) at = Date.parse(text);
  else if (/^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/.test(text)) at = Date.parse(`${text} GMT`);
  else return null;
  if (!Number.isFinite(at)) return null;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - nowMs));
}
