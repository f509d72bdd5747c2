// Devices shaped like node-hid 3.4's HIDAsync (EventEmitter with `data` and `error`, async close) and a backend
// shaped like the module (devices(), open(path)), so the real reader, decoder and reconnect code run in tests.
import { EventEmitter } from 'node:events';
import type { HidBackend, HidDeviceInfo, HidHandle } from '../../../src-main/core/keys/hid/backend';
import { HidUnavailableError } from '../../../src-main/core/keys/hid/backend';
import { reportBytes } from './reports';

export class FakeHidDevice extends EventEmitter implements HidHandle {
  closed = false;

  constructor(readonly path: string) {
    super();
  }

  async close(): Promise<void> {
    // As node-hid: the native close completes later, then every listener is dropped.
    await Promise.resolve();
    this.closed = true;
    this.removeAllListeners();
  }

  /** The device sends one input report (hex like "0100", or bytes). */
  send(report: string | Uint8Array): void {
    if (this.closed) throw new Error(`fake device ${this.path} is closed`);
    this.emit('data', Buffer.from(typeof report === 'string' ? reportBytes(report) : report));
  }

  /** What node-hid does when a read fails (cable pulled): one `error`, then no more reads. */
  failRead(message = 'could not read from HID device'): void {
    this.emit('error', new Error(message));
  }
}

export class FakeHidBackend implements HidBackend {
  enumerations = 0;
  opens = 0;
  /** Paths whose open fails with EACCES (no udev rule). */
  readonly deniedPaths = new Set<string>();
  unavailable: HidUnavailableError | undefined;
  private readonly plugged = new Map<string, HidDeviceInfo[]>();
  private readonly open_ = new Map<string, FakeHidDevice>();
  readonly opened: FakeHidDevice[] = [];

  /** Plug in a device: one entry per interface / usage, as node-hid lists them (all entries share nothing but ids). */
  plug(...entries: HidDeviceInfo[]): void {
    for (const entry of entries) {
      const list = this.plugged.get(entry.path) ?? [];
      list.push({ ...entry });
      this.plugged.set(entry.path, list);
    }
  }

  /** Pull the cable: gone from enumeration, and an open handle's read fails. */
  unplug(path: string): void {
    this.plugged.delete(path);
    const device = this.open_.get(path);
    if (device && !device.closed) device.failRead();
  }

  /** Pull the cable without the read error (some platforms only notice at the next enumeration). */
  unplugSilently(path: string): void {
    this.plugged.delete(path);
  }

  /** The handle currently open on path. */
  device(path: string): FakeHidDevice {
    const device = this.open_.get(path);
    if (!device || device.closed) throw new Error(`no open fake device on ${path}`);
    return device;
  }

  isOpen(path: string): boolean {
    const device = this.open_.get(path);
    return !!device && !device.closed;
  }

  async devices(): Promise<unknown[]> {
    this.enumerations++;
    if (this.unavailable) throw this.unavailable;
    return [...this.plugged.values()].flat().map((e) => ({ ...e }));
  }

  async open(path: string): Promise<HidHandle> {
    this.opens++;
    if (!this.plugged.has(path)) throw new Error(`cannot open device with path ${path}`);
    if (this.deniedPaths.has(path)) {
      throw Object.assign(new Error(`cannot open device with path ${path}: permission denied`), { code: 'EACCES' });
    }
    const device = new FakeHidDevice(path);
    this.open_.set(path, device);
    this.opened.push(device);
    return device;
  }
}
