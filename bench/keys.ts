// The transfer key's share of a press: a device `data` event → the real reader, decoder, debounce and KeyService →
// the `action` callback. No USB device here, so the device is an object shaped like node-hid's HIDAsync (its `data`
// event is an EventEmitter emit, exactly as node-hid delivers a report to JavaScript).
//   keyDecodeP99Us: one report through the profile decode and the bit-by-bit diff.
//   keyReportToActionP99Us: one `data` event to the `action` listener having run (empty listener).
// createBenchKeyRig lets the transfer bench put the Desk behind the action callback, so that keyToDurableP99Ms
// starts at the device event.
import { performance } from 'node:perf_hooks';
import { keysConfigSchema } from '../src-main/core/config/sections/keys';
import type { Clock, TimerHandle } from '../src-main/core/keys/clock';
import type { KeyActionEvent } from '../src-main/core/keys/events';
import { ReportDecoder } from '../src-main/core/keys/hid/decoder';
import { findProfile, type VendorProfile } from '../src-main/core/keys/profiles';
import { KeyService } from '../src-main/core/keys/service';
import { FakeHidBackend } from '../tests/support/hid/fake-hid';
import { DEVICES, REPORTS, reportBytes } from '../tests/support/hid/reports';
import { percentile, round } from './stats';

const PRESSES = 5000;
const PATH = '/dev/hidraw-bench';

/** Real time, but timers (hold, release debounce) run only when the rig says: presses can follow each other at once. */
class ManualTimerClock implements Clock {
  private timers = new Set<{ fn: () => void }>();
  now(): number {
    return performance.now();
  }
  setTimeout(fn: () => void): TimerHandle {
    const timer = { fn };
    this.timers.add(timer);
    return timer;
  }
  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as { fn: () => void });
  }
  /** Runs every pending timer, as if the debounce and hold times had passed. */
  runAll(): void {
    const due = [...this.timers];
    this.timers.clear();
    for (const t of due) t.fn();
  }
}

export interface BenchKeyRig {
  /** One press of the middle pedal (transfer): the down report, then the up report; returns when both are handled. */
  press(): void;
  stop(): Promise<void>;
}

/** A started KeyService on one Infinity pedal; `onAction` is called synchronously from the device's `data` event. */
export async function createBenchKeyRig(onAction: (action: KeyActionEvent) => void): Promise<BenchKeyRig> {
  const backend = new FakeHidBackend();
  backend.plug(DEVICES.infinity(PATH));
  const clock = new ManualTimerClock();
  const service = new KeyService({ config: keysConfigSchema.parse({}), backend, clock, reconnect: { idleScanMs: 3_600_000 } });
  service.on('action', onAction);
  await service.start();
  const device = backend.device(PATH);
  const down = reportBytes(REPORTS.infinity.middle);
  const up = reportBytes(REPORTS.infinity.allUp);
  return {
    press() {
      // node-hid hands over a fresh Buffer per report.
      device.emit('data', Buffer.from(down));
      device.emit('data', Buffer.from(up));
      clock.runAll();
    },
    stop: () => service.stop(),
  };
}

function decodeSamples(profile: VendorProfile, reports: Uint8Array[]): number[] {
  const decoder = new ReportDecoder(profile);
  const samples: number[] = [];
  for (let i = 0; i < PRESSES * 2; i++) {
    const report = reports[i % reports.length]!;
    const t0 = process.hrtime.bigint();
    decoder.feed(report);
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return samples;
}

export async function benchKeys(): Promise<Record<string, number>> {
  // Decode: the X-keys profile (32-byte reports, the most checks) alternating press and release.
  const xk3 = findProfile(0x05f3, 0x0438) as VendorProfile;
  decodeSamples(xk3, [reportBytes(REPORTS.xk3.middle), reportBytes(REPORTS.xk3.allUp)]); // warm-up
  const decode = decodeSamples(xk3, [reportBytes(REPORTS.xk3.middle), reportBytes(REPORTS.xk3.allUp)]);

  let actedAt = 0;
  const rig = await createBenchKeyRig(() => {
    actedAt = performance.now();
  });
  const toAction: number[] = [];
  for (let i = 0; i < PRESSES + 500; i++) {
    const t0 = performance.now();
    rig.press();
    if (i >= 500) toAction.push((actedAt - t0) * 1000);
  }
  await rig.stop();
  return {
    keyDecodeP99Us: round(percentile(decode, 99), 2),
    keyReportToActionP99Us: round(percentile(toAction, 99), 2),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await benchKeys())}\n`);
}
