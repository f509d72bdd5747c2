// Time for the key code: injected so that debounce, hold and reconnect are tested with a fake clock.
import { performance } from 'node:perf_hooks';

export type TimerHandle = { readonly __timer: unique symbol } | number | object;

export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A pending hold or rescan timer must not keep a CLI process alive on its own.
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Where the key code writes what it ignored or lost; pino's logger fits this shape. */
export interface KeyLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: KeyLogger = { debug() {}, info() {}, warn() {}, error() {} };
