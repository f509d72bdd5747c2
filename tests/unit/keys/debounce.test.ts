// Debounce and hold on a real device path: fake pedal reports → reader → decoder → debounce → service events.
import { afterEach, describe, expect, it } from 'vitest';
import { DEVICES, REPORTS } from '../../support/hid/reports';
import { createRig } from '../../support/hid/rig';

const R = REPORTS.infinity;
const PATH = '/dev/hidraw3';

async function pedalRig(config = {}) {
  const rig = createRig({ config });
  rig.backend.plug(DEVICES.infinity(PATH));
  await rig.service.start();
  return { ...rig, pedal: rig.backend.device(PATH) };
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe('debounce', () => {
  it('a contact chattering on press and on release gives one press', async () => {
    const rig = await pedalRig();
    stop = () => rig.service.stop();
    // Press: closes, bounces open and closed for 8 ms, then stays closed.
    for (const r of [R.middle, R.allUp, R.middle, R.allUp, R.middle]) {
      rig.pedal.send(r);
      await rig.clock.advance(2);
    }
    await rig.clock.advance(200);
    // Release: opens, bounces for 6 ms, stays open.
    for (const r of [R.allUp, R.middle, R.allUp, R.middle, R.allUp]) {
      rig.pedal.send(r);
      await rig.clock.advance(1.5);
    }
    await rig.clock.advance(100);
    expect(rig.keyLines()).toEqual(['down 2 middle', 'up 2 middle']);
    expect(rig.actionLines()).toEqual(['transfer 2']);
  });

  it('passes the press on at once: the action comes in the same tick as the report', async () => {
    const rig = await pedalRig();
    stop = () => rig.service.stop();
    rig.pedal.send(R.middle);
    expect(rig.actionLines()).toEqual(['transfer 2']);
    expect(rig.actions[0]!.event.at).toBe(rig.clock.now());
  });

  it('a contact that opens for a moment while held is still one press', async () => {
    const rig = await pedalRig();
    stop = () => rig.service.stop();
    rig.pedal.send(R.middle);
    await rig.clock.advance(300);
    rig.pedal.send(R.allUp);
    await rig.clock.advance(10);
    rig.pedal.send(R.middle);
    await rig.clock.advance(300);
    rig.pedal.send(R.allUp);
    await rig.clock.advance(100);
    expect(rig.keyLines()).toEqual(['down 2 middle', 'up 2 middle']);
  });

  it('the release is dated when the contact opened, not when debounce confirmed it', async () => {
    const rig = await pedalRig();
    stop = () => rig.service.stop();
    rig.pedal.send(R.middle);
    await rig.clock.advance(100);
    const releasedAt = rig.clock.now();
    rig.pedal.send(R.allUp);
    await rig.clock.advance(29);
    expect(rig.keyLines()).toEqual(['down 2 middle']);
    await rig.clock.advance(1);
    expect(rig.keyLines()).toEqual(['down 2 middle', 'up 2 middle']);
    expect(rig.keys[1]!.at).toBe(releasedAt);
  });

  it('two deliberate presses farther apart than the debounce are two presses', async () => {
    const rig = await pedalRig();
    stop = () => rig.service.stop();
    for (let i = 0; i < 2; i++) {
      rig.pedal.send(R.middle);
      await rig.clock.advance(80);
      rig.pedal.send(R.allUp);
      await rig.clock.advance(80);
    }
    expect(rig.actionLines()).toEqual(['transfer 2', 'transfer 2']);
  });

  it('follows the configured debounce time', async () => {
    const rig = await pedalRig({ debounceMs: 0 });
    stop = () => rig.service.stop();
    rig.pedal.send(R.middle);
    rig.pedal.send(R.allUp);
    rig.pedal.send(R.middle);
    rig.pedal.send(R.allUp);
    expect(rig.actionLines()).toEqual(['transfer 2', 'transfer 2']);
  });

  it('a held key gives one down, one hold after holdMs, and one up', async () => {
    const rig = await pedalRig({ holdMs: 800 });
    stop = () => rig.service.stop();
    rig.pedal.send(R.left);
    await rig.clock.advance(799);
    expect(rig.keyLines()).toEqual(['down 1 left']);
    await rig.clock.advance(1);
    expect(rig.keyLines()).toEqual(['down 1 left', 'hold 1 left']);
    // The device repeats its report while held (some do): still nothing new.
    for (let i = 0; i < 20; i++) {
      rig.pedal.send(R.left);
      await rig.clock.advance(100);
    }
    rig.pedal.send(R.allUp);
    await rig.clock.advance(100);
    expect(rig.keyLines()).toEqual(['down 1 left', 'hold 1 left', 'up 1 left']);
    expect(rig.actionLines()).toEqual(['undo 1']);
  });

  it('a short press gives no hold', async () => {
    const rig = await pedalRig();
    stop = () => rig.service.stop();
    rig.pedal.send(R.left);
    await rig.clock.advance(200);
    rig.pedal.send(R.allUp);
    await rig.clock.advance(5000);
    expect(rig.keyLines()).toEqual(['down 1 left', 'up 1 left']);
  });

  it('buttons are debounced each on its own: chatter on one does not hide a press of another', async () => {
    const rig = await pedalRig();
    stop = () => rig.service.stop();
    rig.pedal.send(R.left);
    await rig.clock.advance(2);
    rig.pedal.send(R.allUp);
    await rig.clock.advance(2);
    rig.pedal.send(R.leftMiddle);
    await rig.clock.advance(100);
    rig.pedal.send(R.allUp);
    await rig.clock.advance(100);
    expect(rig.keyLines()).toEqual(['down 1 left', 'down 2 middle', 'up 1 left', 'up 2 middle']);
  });
});
