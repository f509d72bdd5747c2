// Vendor-HID transfer keys: enumerate, open each pedal interface by path, decode its reports, and keep it
// connected. A failed read (cable pulled) marks the device missing at once; enumeration is then retried with a
// backoff capped at maxRetryMs, so that a device that comes back is reopened well within 2 s, and the slow,
// system-wide USB enumeration never runs in a tight loop. With nothing missing, a slow scan picks up new devices.
import type { Clock, KeyLogger, TimerHandle } from '../clock';
import type { RawKeyEdge } from '../debounce';
import { buttonName, type DeviceProblem } from '../events';
import { findProfile, formatUsbId, isPedalInterface, type DeviceMatch } from '../profiles';
import { HidUnavailableError, parseEnumeration, type HidBackend, type HidDeviceInfo, type HidHandle } from './backend';
import { ReportDecoder } from './decoder';

export interface ReconnectPolicy {
  /** First enumeration after a device went missing. */
  firstRetryMs: number;
  /** Retries double up to this; it bounds how long a returning device waits to be reopened. */
  maxRetryMs: number;
  /** Enumeration period while no device is missing (new devices plugged in). */
  idleScanMs: number;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = { firstRetryMs: 250, maxRetryMs: 1000, idleScanMs: 3000 };

/** Garbage reports are logged at most once per this many ms per device (a broken device must not flood the log). */
const GARBAGE_LOG_INTERVAL_MS = 5000;

export interface HidDeviceEntry {
  deviceId: string;
  info: HidDeviceInfo;
  profile: DeviceMatch;
  state: 'connected' | 'missing';
  problem?: DeviceProblem;
}

export interface HidKeySourceOptions {
  backend: HidBackend;
  clock: Clock;
  log: KeyLogger;
  policy?: Partial<ReconnectPolicy>;
  /** Raw button edges, before debounce. Called synchronously from the device's `data` event. */
  onEdge(edge: RawKeyEdge): void;
  /** The device list changed (a device appeared, was lost, came back). */
  onDevices(devices: HidDeviceEntry[]): void;
  onUnavailable?(error: HidUnavailableError): void;
}

interface Slot {
  deviceId: string;
  info: HidDeviceInfo;
  profile: DeviceMatch;
  state: 'opening' | 'connected' | 'missing';
  /** Shown in the device list once its first open has succeeded or failed. */
  shown: boolean;
  handle?: HidHandle;
  decoder?: ReportDecoder;
  problem?: DeviceProblem;
  garbageCount: number;
  garbageLoggedAt: number;
}

export class HidKeySource {
  private readonly slots: Slot[] = [];
  private readonly policy: ReconnectPolicy;
  private timer: TimerHandle | undefined;
  private scanning: Promise<void> | undefined;
  private rescanSoon = false;
  private retryDelay: number;
  private running = false;
  /** Bumped by stop(): an open that resolves after a stop (and maybe a new start) belongs to no one. */
  private generation = 0;
  private unavailable: HidUnavailableError | undefined;

  constructor(private readonly options: HidKeySourceOptions) {
    this.policy = { ...DEFAULT_RECONNECT_POLICY, ...options.policy };
    this.retryDelay = this.policy.firstRetryMs;
  }

  /** Enumerates once and opens what it finds; resolves when those devices are open (or failed to open). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.scan();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.generation++;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const closing = this.slots.map((slot) => this.detach(slot));
    // A later start() begins afresh: every device is enumerated and opened again.
    this.slots.length = 0;
    await Promise.all(closing);
  }

  devices(): HidDeviceEntry[] {
    return this.slots.filter((s) => s.shown).map((s) => this.entry(s));
  }

  get unavailableError(): HidUnavailableError | undefined {
    return this.unavailable;
  }

  private entry(slot: Slot): HidDeviceEntry {
    const state = slot.state === 'connected' ? 'connected' : 'missing';
    return { deviceId: slot.deviceId, info: slot.info, profile: slot.profile, state, problem: slot.problem };
  }

  private publish(): void {
    this.options.onDevices(this.devices());
  }

  private scan(): Promise<void> {
    if (this.scanning) {
      this.rescanSoon = true;
      return this.scanning;
    }
    this.scanning = this.enumerate().finally(() => {
      this.scanning = undefined;
      this.scheduleNext();
    });
    return this.scanning;
  }

  private scheduleNext(): void {
    if (!this.running || this.unavailable) return;
    const missing = this.slots.some((s) => s.profile.kind === 'vendor' && s.state === 'missing');
    let delay: number;
    if (this.rescanSoon) {
      this.rescanSoon = false;
      this.retryDelay = this.policy.firstRetryMs;
      delay = this.retryDelay;
    } else if (missing) {
      delay = this.retryDelay;
      this.retryDelay = Math.min(this.retryDelay * 2, this.policy.maxRetryMs);
    } else {
      this.retryDelay = this.policy.firstRetryMs;
      delay = this.policy.idleScanMs;
    }
    this.setTimer(delay);
  }

  private setTimer(delay: number): void {
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.running) void this.scan();
    }, delay);
  }

  /** A device was lost: enumerate again soon, from the start of the backoff. */
  private rescanAfterLoss(): void {
    if (!this.running) return;
    if (this.scanning) {
      this.rescanSoon = true;
      return;
    }
    this.retryDelay = this.policy.firstRetryMs;
    this.setTimer(this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, this.policy.maxRetryMs);
  }

  private async enumerate(): Promise<void> {
    const { log } = this.options;
    const generation = this.generation;
    let raw: unknown[];
    try {
      raw = await this.options.backend.devices();
    } catch (error) {
      if (error instanceof HidUnavailableError) {
        this.unavailable = error;
        log.error({ err: error.message, hint: error.hint }, 'HID keys unavailable');
        this.options.onUnavailable?.(error);
      } else {
        log.warn({ err: errorText(error) }, 'HID enumeration failed; will retry');
      }
      return;
    }
    if (!this.running || generation !== this.generation) return;
    const { devices, rejected } = parseEnumeration(raw);
    if (rejected.length > 0) log.debug({ rejected }, 'HID enumeration entries skipped');

    const wanted = new Map<string, { info: HidDeviceInfo; profile: DeviceMatch }>();
    for (const info of devices) {
      const profile = findProfile(info.vendorId, info.productId);
      if (!profile || wanted.has(info.path)) continue;
      if (profile.kind === 'vendor' && !isPedalInterface(profile, info.interface)) continue;
      wanted.set(info.path, { info, profile });
    }

    let changed = false;
    for (const slot of this.slots) {
      if (slot.state !== 'connected' || wanted.has(slot.info.path)) continue;
      // Gone from the system without a read error (some platforms report late): lost all the same.
      if (slot.profile.kind === 'keyboard-mode') {
        slot.state = 'missing';
        changed = true;
      } else {
        this.lose(slot, 'no longer enumerated', false);
        changed = true;
      }
    }

    const opening: Promise<void>[] = [];
    for (const { info, profile } of wanted.values()) {
      const holder = this.slots.find((s) => s.info.path === info.path && s.state !== 'missing');
      if (holder) continue;
      const slot = this.claim(info, profile);
      if (profile.kind === 'keyboard-mode') {
        slot.info = info;
        slot.state = 'connected';
        slot.shown = true;
        slot.problem = { code: 'keyboard-mode', detail: 'types keys: bind its key (F13–F24) in the settings' };
        changed = true;
      } else {
        opening.push(this.open(slot, info));
      }
    }
    if (opening.length > 0) {
      await Promise.all(opening);
      changed = true;
    }
    if (changed) this.publish();
  }

  /** The slot for a device that (re)appears: the missing one it most likely is, else a new one. */
  private claim(info: HidDeviceInfo, profile: DeviceMatch): Slot {
    const same = (s: Slot) =>
      s.state === 'missing' && s.info.vendorId === info.vendorId && s.info.productId === info.productId;
    const found =
      this.slots.find((s) => same(s) && s.info.path === info.path) ??
      this.slots.find((s) => same(s) && !!info.serialNumber && s.info.serialNumber === info.serialNumber) ??
      this.slots.find((s) => same(s));
    if (found) return found;
    const usb = formatUsbId(info.vendorId, info.productId);
    let deviceId = info.serialNumber ? `hid:${usb}:sn:${info.serialNumber}` : `hid:${usb}:${info.path}`;
    if (this.slots.some((s) => s.deviceId === deviceId)) deviceId = `hid:${usb}:${info.path}`;
    for (let n = 2; this.slots.some((s) => s.deviceId === deviceId); n++) deviceId = `hid:${usb}:${info.path}#${n}`;
    const slot: Slot = { deviceId, info, profile, state: 'missing', shown: false, garbageCount: 0, garbageLoggedAt: -Infinity };
    this.slots.push(slot);
    return slot;
  }

  private async open(slot: Slot, info: HidDeviceInfo): Promise<void> {
    const { log } = this.options;
    const profile = slot.profile;
    if (profile.kind !== 'vendor') return;
    slot.state = 'opening';
    slot.info = info;
    const generation = this.generation;
    let handle: HidHandle;
    try {
      handle = await this.options.backend.open(info.path);
    } catch (error) {
      if (generation !== this.generation) return;
      const code = (error as { code?: unknown }).code === 'EACCES' ? 'permission' : 'open-failed';
      const detail = errorText(error);
      if (slot.problem?.detail !== detail) log.warn({ deviceId: slot.deviceId, path: info.path, err: detail }, 'cannot open HID key');
      slot.state = 'missing';
      slot.shown = true;
      slot.problem = { code, detail };
      return;
    }
    if (!this.running || generation !== this.generation) {
      await closeQuietly(handle);
      return;
    }
    slot.handle = handle;
    slot.decoder = new ReportDecoder(profile);
    slot.state = 'connected';
    slot.shown = true;
    slot.problem = undefined;
    handle.on('data', (report) => this.onReport(slot, handle, report));
    handle.on('error', (error) => {
      if (slot.handle === handle) this.lose(slot, errorText(error), true);
    });
    log.info({ deviceId: slot.deviceId, path: info.path, profile: profile.id }, 'HID key opened');
  }

  private onReport(slot: Slot, handle: HidHandle, report: Buffer): void {
    if (slot.handle !== handle || !slot.decoder) return;
    const result = slot.decoder.feed(report);
    if (result.kind === 'edges') {
      const names = slot.decoder.profile.buttons;
      for (const edge of result.edges) {
        this.options.onEdge({
          deviceId: slot.deviceId,
          button: edge.button,
          name: buttonName(edge.button, names),
          type: edge.type,
          source: 'hid',
        });
      }
      return;
    }
    if (result.kind === 'ignored') return;
    slot.garbageCount++;
    const now = this.options.clock.now();
    if (now - slot.garbageLoggedAt >= GARBAGE_LOG_INTERVAL_MS) {
      this.options.log.warn(
        { deviceId: slot.deviceId, reason: result.reason, report: report.subarray(0, 64).toString('hex'), count: slot.garbageCount },
        'HID report ignored',
      );
      slot.garbageLoggedAt = now;
      slot.garbageCount = 0;
    }
  }

  /** The device stopped delivering: missing at once, held buttons released, the handle closed, a rescan queued. */
  private lose(slot: Slot, reason: string, publish: boolean): void {
    if (slot.state !== 'connected') return;
    this.options.log.warn({ deviceId: slot.deviceId, path: slot.info.path, reason }, 'HID key lost');
    slot.state = 'missing';
    slot.problem = { code: 'read-error', detail: reason };
    for (const edge of slot.decoder?.releaseAll() ?? []) {
      this.options.onEdge({
        deviceId: slot.deviceId,
        button: edge.button,
        name: buttonName(edge.button, slot.decoder!.profile.buttons),
        type: 'up',
        source: 'hid',
      });
    }
    void this.detach(slot);
    if (publish) this.publish();
    this.rescanAfterLoss();
  }

  private async detach(slot: Slot): Promise<void> {
    const handle = slot.handle;
    slot.handle = undefined;
    slot.decoder = undefined;
    if (handle) await closeQuietly(handle);
  }
}

async function closeQuietly(handle: HidHandle): Promise<void> {
  handle.removeAllListeners();
  // node-hid may still report the failed read: an `error` event without a listener would crash the process.
  handle.on('error', () => {});
  try {
    await handle.close();
  } catch {
    // Closing a device that is already gone fails on some platforms; it is gone either way.
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
