// Devices coming and going: fake node-hid devices, the real reader and reconnect code, a fake clock.
import { afterEach, describe, expect, it } from 'vitest';
import { HidUnavailableError } from '../../../src-main/core/keys/hid/backend';
import { DEVICES, REPORTS } from '../../support/hid/reports';
import { createRig } from '../../support/hid/rig';

const R = REPORTS.infinity;

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

function started(rig: ReturnType<typeof createRig>) {
  stop = () => rig.service.stop();
  return rig.service.start();
}

describe('hot-plug', () => {
  it('a pulled cable is missing at once; the device is reopened within 2 s of coming back, without a tight loop', async () => {
    const rig = createRig();
    rig.backend.plug(DEVICES.infinity('/dev/hidraw3'));
    await started(rig);
    expect(rig.stateOf('/dev/hidraw3')).toBe('connected');

    rig.backend.unplug('/dev/hidraw3');
    // No time has passed: the state event is already out.
    expect(rig.states.at(-1)?.map((d) => d.state)).toEqual(['missing']);
    expect(rig.service.devices()[0]!.problem?.code).toBe('read-error');

    // Away for a minute: enumeration backs off to at most once a second.
    const before = rig.backend.enumerations;
    await rig.clock.advance(60_000);
    const during = rig.backend.enumerations - before;
    expect(during).toBeGreaterThanOrEqual(30);
    expect(during).toBeLessThanOrEqual(62);

    // Back, on another hidraw node (as after a replug): reopened, same device id, presses work again.
    const id = rig.service.devices()[0]!.deviceId;
    rig.backend.plug(DEVICES.infinity('/dev/hidraw9'));
    const backAt = rig.clock.now();
    while (rig.stateOf('/dev/hidraw9') !== 'connected' && rig.clock.now() - backAt < 5000) await rig.clock.advance(50);
    expect(rig.clock.now() - backAt).toBeLessThanOrEqual(2000);
    expect(rig.service.devices()).toHaveLength(1);
    expect(rig.service.devices()[0]!.deviceId).toBe(id);
    rig.backend.device('/dev/hidraw9').send(R.middle);
    expect(rig.actionLines()).toEqual(['transfer 2']);
  });

  it('comes back within 2 s wherever in the backoff the replug falls', async () => {
    for (const awayMs of [10, 240, 260, 700, 1300, 4321]) {
      const rig = createRig();
      rig.backend.plug(DEVICES.infinity('/dev/hidraw3'));
      await rig.service.start();
      rig.backend.unplug('/dev/hidraw3');
      await rig.clock.advance(awayMs);
      rig.backend.plug(DEVICES.infinity('/dev/hidraw3'));
      const backAt = rig.clock.now();
      while (rig.stateOf('/dev/hidraw3') !== 'connected' && rig.clock.now() - backAt < 5000) await rig.clock.advance(10);
      expect(rig.clock.now() - backAt, `away ${awayMs} ms`).toBeLessThanOrEqual(2000);
      await rig.service.stop();
    }
  });

  it('with nothing missing, enumerates only now and then (new devices are still picked up)', async () => {
    const rig = createRig();
    await started(rig);
    const before = rig.backend.enumerations;
    await rig.clock.advance(60_000);
    expect(rig.backend.enumerations - before).toBeLessThanOrEqual(21);
    rig.backend.plug(DEVICES.streamDeckPedal());
    await rig.clock.advance(3000);
    expect(rig.stateOf('/dev/hidraw6')).toBe('connected');
  });

  it('a pedal held when the cable is pulled is released, and does not act again on return', async () => {
    const rig = createRig();
    rig.backend.plug(DEVICES.infinity('/dev/hidraw3'));
    await started(rig);
    rig.backend.device('/dev/hidraw3').send(R.middle);
    rig.backend.unplug('/dev/hidraw3');
    await rig.clock.advance(100);
    expect(rig.keyLines()).toEqual(['down 2 middle', 'up 2 middle']);
    rig.backend.plug(DEVICES.infinity('/dev/hidraw3'));
    await rig.clock.advance(2000);
    rig.backend.device('/dev/hidraw3').send(R.allUp);
    expect(rig.actionLines()).toEqual(['transfer 2']);
  });

  it('a device gone from the enumeration without a read error is missing too, and its handle closed', async () => {
    const rig = createRig();
    rig.backend.plug(DEVICES.philips());
    await started(rig);
    const handle = rig.backend.device('/dev/hidraw5');
    rig.backend.unplugSilently('/dev/hidraw5');
    await rig.clock.advance(3000);
    expect(rig.stateOf('/dev/hidraw5')).toBe('missing');
    expect(handle.closed).toBe(true);
  });

  it('a second error from a device being closed does not crash the process', async () => {
    const rig = createRig();
    rig.backend.plug(DEVICES.infinity());
    await started(rig);
    const handle = rig.backend.device('/dev/hidraw3');
    rig.backend.unplug('/dev/hidraw3');
    // node-hid may report the failed read again while the close is under way.
    expect(handle.closed).toBe(false);
    expect(() => handle.emit('error', new Error('could not read from HID device'))).not.toThrow();
    await rig.clock.advance(10);
    expect(handle.closed).toBe(true);
  });
});

describe('several devices', () => {
  it('two identical pedals are opened by path and kept apart', async () => {
    const rig = createRig();
    rig.backend.plug(DEVICES.infinity('/dev/hidraw3'), DEVICES.infinity('/dev/hidraw4'));
    await started(rig);
    const ids = rig.service.devices().map((d) => d.deviceId);
    expect(new Set(ids).size).toBe(2);
    rig.backend.device('/dev/hidraw3').send(R.left);
    rig.backend.device('/dev/hidraw4').send(R.right);
    // Both left pedal down on A and right pedal on B: bit states are per device.
    rig.backend.device('/dev/hidraw3').send(R.allUp);
    await rig.clock.advance(100);
    const [a, b] = ids;
    expect(rig.keyLines(a)).toEqual(['down 1 left', 'up 1 left']);
    expect(rig.keyLines(b)).toEqual(['down 3 right']);

    // Pulling one leaves the other working.
    rig.backend.unplug('/dev/hidraw3');
    expect(rig.stateOf('/dev/hidraw3')).toBe('missing');
    expect(rig.stateOf('/dev/hidraw4')).toBe('connected');
    rig.backend.device('/dev/hidraw4').send(R.allUp);
    await rig.clock.advance(100);
    expect(rig.keyLines(b)).toEqual(['down 3 right', 'up 3 right']);
  });

  it('opens each device once, on its pedal interface only', async () => {
    const rig = createRig();
    rig.backend.plug(
      DEVICES.xk3('/dev/hidraw4', 0),
      DEVICES.xk3('/dev/hidraw5', 1),
      // hidapi lists a path once per top-level usage: same path, second entry.
      { ...DEVICES.infinity('/dev/hidraw3'), usage: 0x0001 },
      DEVICES.infinity('/dev/hidraw3'),
      DEVICES.mouse(),
    );
    await started(rig);
    expect(rig.backend.opens).toBe(2);
    expect(rig.service.devices().map((d) => `${d.profile} ${d.path}`).sort()).toEqual([
      'vec-infinity /dev/hidraw3',
      'xkeys-xk3 /dev/hidraw4',
    ]);
  });

  it('the four vendor devices at once, each with its own profile', async () => {
    const rig = createRig();
    rig.backend.plug(DEVICES.infinity(), DEVICES.xk3(), DEVICES.philips(), DEVICES.streamDeckPedal());
    await started(rig);
    rig.backend.device('/dev/hidraw3').send(REPORTS.infinity.middle);
    rig.backend.device('/dev/hidraw4').send(REPORTS.xk3.middle);
    rig.backend.device('/dev/hidraw5').send(REPORTS.philips.middle);
    rig.backend.device('/dev/hidraw6').send(REPORTS.streamDeckPedal.middle);
    expect(rig.actionLines()).toEqual(['transfer 2', 'transfer 2', 'transfer 2', 'transfer 2']);
    expect(new Set(rig.actions.map((a) => a.event.deviceId)).size).toBe(4);
  });

  it('a keyboard-mode pedal is listed with its hint but never opened', async () => {
    const rig = createRig();
    rig.backend.plug(DEVICES.pcsensor());
    await started(rig);
    expect(rig.backend.opens).toBe(0);
    expect(rig.service.devices()).toMatchObject([{ profile: 'keyboard-mode', state: 'connected', problem: { code: 'keyboard-mode' } }]);
  });
});

describe('bad input and failures', () => {
  it('garbage reports are logged and never a press', async () => {
    const rig = createRig();
    rig.backend.plug(DEVICES.infinity());
    await started(rig);
    const pedal = rig.backend.device('/dev/hidraw3');
    for (let i = 0; i < 100; i++) pedal.send(i % 2 ? R.garbageBits : R.garbageLength);
    pedal.send(Buffer.alloc(0));
    expect(rig.keys).toEqual([]);
    const warnings = rig.logs.filter((l) => l.msg === 'HID report ignored');
    // Logged, but not once per report.
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings.length).toBeLessThan(5);
    expect(warnings[0]!.obj).toMatchObject({ reason: expect.stringContaining('expected 2 bytes') });
    // The device still works.
    pedal.send(R.middle);
    expect(rig.actionLines()).toEqual(['transfer 2']);
  });

  it('a device the user may not open (no udev rule) is listed as missing with the reason, and retried', async () => {
    const rig = createRig();
    rig.backend.plug(DEVICES.infinity());
    rig.backend.deniedPaths.add('/dev/hidraw3');
    await started(rig);
    expect(rig.service.devices()).toMatchObject([{ state: 'missing', problem: { code: 'permission' } }]);
    rig.backend.deniedPaths.clear();
    await rig.clock.advance(2000);
    expect(rig.stateOf('/dev/hidraw3')).toBe('connected');
    // The open failure was logged once, not at every retry.
    expect(rig.logs.filter((l) => l.msg === 'cannot open HID key')).toHaveLength(1);
  });

  it('a HID library that cannot load is reported once, and enumeration is not retried', async () => {
    const rig = createRig();
    rig.backend.unavailable = new HidUnavailableError('node-hid could not load: libusb-1.0.so.0: cannot open shared object file', 'install libusb');
    const unavailable: string[] = [];
    rig.service.on('unavailable', (u) => void unavailable.push(u.hint));
    await started(rig);
    await rig.clock.advance(60_000);
    expect(unavailable).toEqual(['install libusb']);
    expect(rig.backend.enumerations).toBe(1);
    // Keyboard-mode keys still work.
    rig.service.pressKey('F13');
    expect(rig.actionLines()).toEqual(['transfer 1']);
  });

  it('an enumeration that fails once is retried', async () => {
    const rig = createRig();
    let failures = 1;
    const devices = rig.backend.devices.bind(rig.backend);
    rig.backend.devices = async () => {
      if (failures-- > 0) throw new Error('enumeration failed');
      return devices();
    };
    rig.backend.plug(DEVICES.infinity());
    await started(rig);
    expect(rig.service.devices()).toEqual([]);
    await rig.clock.advance(3000);
    expect(rig.stateOf('/dev/hidraw3')).toBe('connected');
  });

  it('a throwing action listener neither loses the device nor stops other listeners', async () => {
    const rig = createRig();
    rig.backend.plug(DEVICES.infinity());
    await started(rig);
    rig.service.on('action', () => {
      throw new Error('listener bug');
    });
    rig.service.on('action', async () => {
      throw new Error('async listener bug');
    });
    const pedal = rig.backend.device('/dev/hidraw3');
    expect(() => pedal.send(R.middle)).not.toThrow();
    await rig.clock.advance(10);
    expect(rig.stateOf('/dev/hidraw3')).toBe('connected');
    expect(rig.actionLines()).toEqual(['transfer 2']);
    expect(rig.logs.filter((l) => l.msg === 'key listener failed')).toHaveLength(2);
  });

  it('stop closes every device, cancels timers, and nothing is emitted after', async () => {
    const rig = createRig();
    rig.backend.plug(DEVICES.infinity(), DEVICES.streamDeckPedal());
    await rig.service.start();
    rig.backend.device('/dev/hidraw3').send(R.left);
    await rig.service.stop();
    expect(rig.backend.opened.every((d) => d.closed)).toBe(true);
    const events = rig.keys.length;
    await rig.clock.advance(60_000);
    expect(rig.keys.length).toBe(events);
    expect(rig.clock.pendingTimers).toBe(0);
    expect(rig.backend.enumerations).toBe(1);
  });

  it('start after stop opens the devices again', async () => {
    const rig = createRig();
    rig.backend.plug(DEVICES.infinity());
    await rig.service.start();
    await rig.service.stop();
    await started(rig);
    expect(rig.stateOf('/dev/hidraw3')).toBe('connected');
    rig.backend.device('/dev/hidraw3').send(R.middle);
    expect(rig.actionLines()).toEqual(['transfer 2']);
  });
});
