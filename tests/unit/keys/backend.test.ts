// The real node-hid backend's failure reporting, and the udev rule shipped for Linux.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { HidUnavailableError, parseEnumeration } from '../../../src-main/core/keys/hid/backend';
import { VENDOR_PROFILES } from '../../../src-main/core/keys/profiles';

// node-hid as it behaves on a Linux machine without libusb: the module loads, its native binding does not.
vi.mock('node-hid', () => {
  const nodeHid = {
    getHidapiVersion() {
      throw new Error('libusb-1.0.so.0: cannot open shared object file: No such file or directory');
    },
  };
  return { ...nodeHid, default: nodeHid };
});

describe('node-hid backend', () => {
  it('a missing libusb is reported as HID unavailable, with the package to install', async () => {
    const { createNodeHidBackend } = await import('../../../src-main/core/keys/hid/node-hid-backend');
    const backend = createNodeHidBackend();
    const attempt = backend.devices();
    await expect(attempt).rejects.toBeInstanceOf(HidUnavailableError);
    await expect(attempt).rejects.toMatchObject({
      message: expect.stringContaining('libusb-1.0.so.0'),
      hint: expect.stringContaining('apt-get install libusb-1.0-0'),
    });
  });

  it('keeps the usable enumeration entries and says which were not', () => {
    const { devices, rejected } = parseEnumeration([
      { vendorId: 0x05f3, productId: 0x00ff, path: '/dev/hidraw3', interface: 0, release: 256, serialNumber: null },
      { vendorId: 0x05f3, productId: 0x00ff, interface: 0 },
      { vendorId: 70000, productId: 1, path: '/dev/hidraw4' },
      'nonsense',
    ]);
    expect(devices).toEqual([{ vendorId: 0x05f3, productId: 0x00ff, path: '/dev/hidraw3', interface: 0, release: 256 }]);
    expect(rejected).toEqual([
      expect.stringMatching(/^entry 1: path/),
      expect.stringMatching(/^entry 2: vendorId/),
      expect.stringMatching(/^entry 3: /),
    ]);
  });
});

describe('udev rule', () => {
  const rules = readFileSync(new URL('../../../assets/udev/70-fenliu-keys.rules', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'));

  it('grants uaccess on hidraw for every vendor-HID device the desk opens, and nothing else', () => {
    const ids = VENDOR_PROFILES.flatMap((p) => p.productIds.map((pid) => `${p.vendorId.toString(16).padStart(4, '0')}:${pid.toString(16).padStart(4, '0')}`));
    const covered = rules.map((l) => {
      const m = /^SUBSYSTEM=="hidraw", ATTRS\{idVendor\}=="([0-9a-f]{4})", ATTRS\{idProduct\}=="([0-9a-f]{4})", TAG\+="uaccess"$/.exec(l);
      expect(m, l).not.toBeNull();
      return `${m![1]}:${m![2]}`;
    });
    expect(covered.sort()).toEqual(ids.sort());
  });
});
