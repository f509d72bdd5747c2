// What a press does: default and configured actions, keyboard-mode keys, learn mode.
import { afterEach, describe, expect, it } from 'vitest';
import { keysConfigSchema } from '../../../src-main/core/config/sections/keys';
import { applyLearnedKey } from '../../../src-main/core/keys/learn';
import { DEVICES, REPORTS } from '../../support/hid/reports';
import { createRig } from '../../support/hid/rig';

const R = REPORTS.infinity;

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

async function startedRig(options: Parameters<typeof createRig>[0] = {}, ...devices: ReturnType<typeof DEVICES.infinity>[]) {
  const rig = createRig(options);
  rig.backend.plug(...devices);
  stop = () => rig.service.stop();
  await rig.service.start();
  return rig;
}

describe('actions', () => {
  it('three pedals by default: left undoes, middle and right transfer; up and hold do nothing', async () => {
    const rig = await startedRig({}, DEVICES.infinity());
    const pedal = rig.backend.device('/dev/hidraw3');
    for (const r of [R.left, R.allUp, R.middle, R.allUp, R.right]) {
      pedal.send(r);
      await rig.clock.advance(1000);
    }
    expect(rig.actionLines()).toEqual(['undo 1', 'transfer 2', 'transfer 3']);
    expect(rig.actions[1]!.event).toMatchObject({ type: 'down', source: 'hid', name: 'middle', deviceId: rig.service.devices()[0]!.deviceId });
  });

  it('two buttons pressed together give both actions', async () => {
    const rig = await startedRig({}, DEVICES.infinity());
    rig.backend.device('/dev/hidraw3').send(R.leftMiddle);
    expect(rig.actionLines()).toEqual(['undo 1', 'transfer 2']);
  });

  it('the configuration overrides the defaults button by button, per model or per path', async () => {
    const rig = await startedRig(
      {
        config: {
          devices: [
            { vendorId: 0x05f3, productId: 0x00ff, buttons: { '1': 'none', '3': 'keep' } },
            { vendorId: 0x05f3, productId: 0x00ff, path: '/dev/hidraw4', buttons: { '2': 'invalid' } },
          ],
        },
      },
      DEVICES.infinity('/dev/hidraw3'),
      DEVICES.infinity('/dev/hidraw4'),
    );
    rig.backend.device('/dev/hidraw3').send(R.all);
    rig.backend.device('/dev/hidraw4').send(R.all);
    expect(rig.actionLines()).toEqual(['transfer 2', 'keep 3', 'undo 1', 'invalid 2', 'transfer 3']);
  });

  it('a configuration change applies to the next press', async () => {
    const rig = await startedRig({}, DEVICES.infinity());
    rig.service.setConfig(keysConfigSchema.parse({ devices: [{ vendorId: 0x05f3, productId: 0x00ff, buttons: { '2': 'undo' } }] }));
    rig.backend.device('/dev/hidraw3').send(R.middle);
    expect(rig.actionLines()).toEqual(['undo 2']);
  });
});

describe('keyboard-mode keys', () => {
  it('F13 transfers by default; down only, from the keyboard source', async () => {
    const rig = await startedRig();
    expect(rig.service.keyboardAccelerators()).toEqual(['F13']);
    expect(rig.service.pressKey('f13')).toBe(true);
    expect(rig.keys).toEqual([{ type: 'down', deviceId: 'keyboard:F13', button: 1, name: 'key', at: rig.clock.now(), source: 'keyboard', accelerator: 'F13' }]);
    expect(rig.actionLines()).toEqual(['transfer 1']);
    await rig.clock.advance(5000);
    expect(rig.keys).toHaveLength(1);
  });

  it('a held key repeated by the OS is one press; a press after a pause is another', async () => {
    const rig = await startedRig();
    rig.service.pressKey('F13');
    await rig.clock.advance(500);
    for (let i = 0; i < 30; i++) {
      rig.service.pressKey('F13');
      await rig.clock.advance(33);
    }
    rig.service.pressKey('F13', { repeat: true });
    await rig.clock.advance(1500);
    rig.service.pressKey('F13');
    expect(rig.actionLines()).toEqual(['transfer 1', 'transfer 1']);
  });

  it('other keys and unbound keys', async () => {
    const rig = await startedRig({ config: { keyboard: { otherKeys: [{ accelerator: 'ctrl+F14', action: 'undo' }] } } });
    expect(rig.service.keyboardAccelerators().sort()).toEqual(['Ctrl+F14', 'F13']);
    rig.service.pressKey('Control+F14');
    rig.service.pressKey('F15');
    expect(rig.service.pressKey('NotAKey')).toBe(false);
    expect(rig.actionLines()).toEqual(['undo 1']);
  });

  it('the configuration refuses what is not an accelerator, naming it', () => {
    const result = keysConfigSchema.safeParse({ keyboard: { accelerator: 'F25' } });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(['keyboard', 'accelerator']);
    expect(result.error!.issues[0]!.message).toContain('"F25" is not a key accelerator');
    expect(keysConfigSchema.safeParse({ devices: [{ vendorId: 1, productId: 2, buttons: { '9': 'transfer' } }] }).success).toBe(false);
  });
});

describe('learn mode', () => {
  it('captures the next pedal press instead of acting on it, saves the mapping, and applies it', async () => {
    const rig = await startedRig({}, DEVICES.infinity('/dev/hidraw3'));
    const learning = rig.service.learn('transfer');
    expect(rig.service.devices()[0]!.state).toBe('learning');
    expect(rig.states.at(-1)![0]!.state).toBe('learning');
    const pedal = rig.backend.device('/dev/hidraw3');
    pedal.send(R.left);
    const learned = await learning;
    expect(learned).toEqual({
      source: 'hid',
      deviceId: rig.service.devices()[0]!.deviceId,
      vendorId: 0x05f3,
      productId: 0x00ff,
      path: '/dev/hidraw3',
      usagePage: 0x000c,
      usage: 0x0003,
      button: 1,
      name: 'left',
    });
    expect(rig.actions).toEqual([]);
    expect(rig.saved).toHaveLength(1);
    expect(rig.saved[0]!.keys.devices).toEqual([{ vendorId: 0x05f3, productId: 0x00ff, path: '/dev/hidraw3', buttons: { '1': 'transfer' } }]);
    expect(rig.service.devices()[0]!.state).toBe('connected');
    // The left pedal now transfers; the others keep their defaults.
    pedal.send(R.allUp);
    await rig.clock.advance(100);
    pedal.send(R.left);
    await rig.clock.advance(100);
    pedal.send(R.allUp);
    await rig.clock.advance(100);
    pedal.send(R.middle);
    expect(rig.actionLines()).toEqual(['transfer 1', 'transfer 2']);
  });

  it('captures a keyboard key and binds it', async () => {
    const rig = await startedRig();
    const bindings: string[][] = [];
    rig.service.on('bindings', (b) => void bindings.push(b));
    const learning = rig.service.learn('transfer');
    rig.service.pressKey('F19');
    expect(await learning).toEqual({ source: 'keyboard', accelerator: 'F19' });
    expect(rig.actions).toEqual([]);
    expect(rig.saved[0]!.keys.keyboard.accelerator).toBe('F19');
    expect(bindings).toEqual([['F19']]);
    await rig.clock.advance(2000);
    rig.service.pressKey('F19');
    expect(rig.actionLines()).toEqual(['transfer 1']);
  });

  it('gives up after its timeout, or when cancelled, without saving', async () => {
    const rig = await startedRig({}, DEVICES.infinity());
    const timedOut = rig.service.learn('undo', { timeoutMs: 10_000 });
    await rig.clock.advance(10_000);
    expect(await timedOut).toBeNull();
    const cancelled = rig.service.learn('undo');
    rig.service.cancelLearn();
    expect(await cancelled).toBeNull();
    expect(rig.saved).toEqual([]);
    rig.backend.device('/dev/hidraw3').send(R.middle);
    expect(rig.actionLines()).toEqual(['transfer 2']);
  });

  it('a failed save is reported to the caller and the old mapping stays', async () => {
    const rig = createRig();
    rig.backend.plug(DEVICES.infinity());
    const { KeyService } = await import('../../../src-main/core/keys/service');
    const service = new KeyService({
      config: keysConfigSchema.parse({}),
      backend: rig.backend,
      clock: rig.clock,
      saveMapping: async () => {
        throw new Error('disk full');
      },
    });
    stop = () => service.stop();
    await service.start();
    const actions: string[] = [];
    service.on('action', (a) => void actions.push(a.action));
    const learning = service.learn('transfer');
    rig.backend.device('/dev/hidraw3').send(R.left);
    await expect(learning).rejects.toThrow('disk full');
    rig.backend.device('/dev/hidraw3').send(R.allUp);
    await rig.clock.advance(100);
    rig.backend.device('/dev/hidraw3').send(R.left);
    expect(actions).toEqual(['undo']);
  });

  it('applyLearnedKey keeps identical devices apart by path and updates an existing entry', () => {
    const keys = keysConfigSchema.parse({});
    const a = { source: 'hid' as const, deviceId: 'a', vendorId: 0x05f3, productId: 0x00ff, path: '/dev/hidraw3', button: 1, name: 'left' };
    const b = { ...a, deviceId: 'b', path: '/dev/hidraw4' };
    let next = applyLearnedKey(keys, a, 'transfer');
    next = applyLearnedKey(next, b, 'undo');
    next = applyLearnedKey(next, { ...a, button: 3 }, 'none');
    expect(next.devices).toEqual([
      { vendorId: 0x05f3, productId: 0x00ff, path: '/dev/hidraw3', buttons: { '1': 'transfer', '3': 'none' } },
      { vendorId: 0x05f3, productId: 0x00ff, path: '/dev/hidraw4', buttons: { '1': 'undo' } },
    ]);
    expect(keys.devices).toEqual([]);
    // Keyboard: a key for another action is added beside the main one.
    const undoKey = applyLearnedKey(keys, { source: 'keyboard', accelerator: 'F14' }, 'undo');
    expect(undoKey.keyboard).toMatchObject({ accelerator: 'F13', action: 'transfer', otherKeys: [{ accelerator: 'F14', action: 'undo' }] });
  });

  it('a learned mapping follows the device to a new path when it is the only one', async () => {
    const rig = await startedRig(
      { config: { devices: [{ vendorId: 0x05f3, productId: 0x00ff, path: '/dev/hidraw3', buttons: { '1': 'transfer' } }] } },
      DEVICES.infinity('/dev/hidraw8'),
    );
    rig.backend.device('/dev/hidraw8').send(R.left);
    expect(rig.actionLines()).toEqual(['transfer 1']);
  });
});
