// `fenliu devices` and `fenliu keys decode|watch`, run as the CLI runs them, on fake devices.
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { UsageError, type CliContext, type Command } from '../../../src-main/cli/command';
import { createDevicesCommand } from '../../../src-main/cli/commands/devices';
import { createKeysCommand } from '../../../src-main/cli/commands/keys';
import { deskConfigSchema, type Locale } from '../../../src-main/core/config/schema';
import { HidUnavailableError } from '../../../src-main/core/keys/hid/backend';
import { FakeHidBackend } from '../../support/hid/fake-hid';
import { DEVICES, REPORTS } from '../../support/hid/reports';

async function run(command: Command, argv: string[], locale: Locale = 'zh-CN') {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean', default: false }, ...command.options },
    allowPositionals: true,
  });
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    values: values as CliContext['values'],
    positionals,
    json: values.json === true,
    dataDir: '/nonexistent',
    config: deskConfigSchema.parse({ locale }),
    openDesk: () => {
      throw new Error('the keys commands must not open the desk');
    },
    out: (line) => void out.push(line),
    err: (line) => void err.push(line),
  };
  const code = await command.run(ctx);
  return { code, out, err };
}

const keys = createKeysCommand();

describe('fenliu keys decode', () => {
  it('prints one JSON line per button change, in the order the device sent them', async () => {
    const R = REPORTS.infinity;
    const { code, out } = await run(keys, ['decode', '--vid', '05f3', '--pid', '0x00FF', R.left, R.leftMiddle, R.leftMiddle, R.middle, R.allUp]);
    expect(code).toBe(0);
    expect(out).toEqual([
      '{"button":1,"name":"left","type":"down"}',
      '{"button":2,"name":"middle","type":"down"}',
      '{"button":1,"name":"left","type":"up"}',
      '{"button":2,"name":"middle","type":"up"}',
    ]);
  });

  it('decodes the other profiles: X-keys state replies and garbage are reported on stderr, not as presses', async () => {
    const X = REPORTS.xk3;
    const { code, out, err } = await run(keys, ['decode', '--vid', '5f3', '--pid', '438', X.stateReplyMiddle, X.right, X.garbageBits, X.allUp]);
    expect(code).toBe(0);
    expect(out.map((l) => JSON.parse(l))).toEqual([
      { button: 3, name: 'right', type: 'down' },
      { button: 3, name: 'right', type: 'up' },
    ]);
    expect(err).toEqual([expect.stringMatching(/^report 1 ignored: state reply/), expect.stringMatching(/^report 3 ignored \(garbage\): byte 2 has unknown bits/)]);
    const philips = await run(keys, ['decode', '--vid', '0911', '--pid', '1844', '08', '00']);
    expect(philips.out).toEqual(['{"button":4,"name":"fourth","type":"down"}', '{"button":4,"name":"fourth","type":"up"}']);
    const pedal = await run(keys, ['decode', '--vid', '0fd9', '--pid', '0086', REPORTS.streamDeckPedal.middle]);
    expect(pedal.out).toEqual(['{"button":2,"name":"middle","type":"down"}']);
  });

  it('accepts spaced or colon-separated bytes', async () => {
    const { out } = await run(keys, ['decode', '--vid', '05f3', '--pid', '00ff', '04 00', '00:00']);
    expect(out).toHaveLength(2);
  });

  it('refuses bad input with a one-line usage error naming what was wrong', async () => {
    const cases: [string[], RegExp][] = [
      [['decode', '--pid', '00ff', '0100'], /--vid is required/],
      [['decode', '--vid', 'xyz', '--pid', '00ff', '0100'], /--vid "xyz": a USB id in hex/],
      [['decode', '--vid', '05f3', '--pid', '00ff', '010'], /report 1 "010": an even number of hex digits/],
      [['decode', '--vid', '05f3', '--pid', '00ff', '01zz'], /report 1 "01zz": hex digits only/],
      [['decode', '--vid', '05f3', '--pid', '00ff'], /no report given/],
      [['decode', '--vid', '1234', '--pid', '5678', '00'], /no profile for 1234:5678 \(supported: 05f3:00ff/],
      [['decode', '--vid', '3553', '--pid', 'b001', '00'], /keyboard-mode pedal/],
      [['frobnicate'], /unknown sub-command "frobnicate"/],
    ];
    for (const [argv, message] of cases) {
      const attempt = run(keys, argv);
      await expect(attempt, argv.join(' ')).rejects.toBeInstanceOf(UsageError);
      await expect(attempt).rejects.toThrow(message);
    }
  });
});

describe('fenliu devices', () => {
  function backendWith() {
    const backend = new FakeHidBackend();
    backend.plug(DEVICES.mouse(), DEVICES.infinity(), DEVICES.xk3('/dev/hidraw4', 0), DEVICES.xk3('/dev/hidraw9', 1), DEVICES.pcsensor(), DEVICES.philips());
    backend.deniedPaths.add('/dev/hidraw5');
    return backend;
  }

  it('--json lists every HID device with its profile and whether it can be opened, and why not', async () => {
    const backend = backendWith();
    const { code, out } = await run(createDevicesCommand({ backend: () => backend }), ['--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out.join(''));
    expect(report.available).toBe(true);
    const rows = report.devices.map((d: Record<string, unknown>) => [d.usbId, d.path, d.profile, d.openable]);
    expect(rows).toEqual([
      ['05f3:00ff', '/dev/hidraw3', 'vec-infinity', true],
      ['05f3:0438', '/dev/hidraw4', 'xkeys-xk3', true],
      ['05f3:0438', '/dev/hidraw9', 'xkeys-xk3', null],
      ['0911:1844', '/dev/hidraw5', 'philips-acc2310', false],
      ['3553:b001', '/dev/hidraw7', 'keyboard-mode', null],
      ['046d:c077', '/dev/hidraw0', null, null],
    ]);
    const philips = report.devices.find((d: { path: string }) => d.path === '/dev/hidraw5');
    expect(philips.reason).toContain('permission denied');
    expect(report.devices.find((d: { path: string }) => d.path === '/dev/hidraw7').reason).toMatch(/keyboard-mode: bind a key/);
    // The probe closed what it opened.
    expect(backend.opened.every((d) => d.closed)).toBe(true);
  });

  it('speaks the configured language', async () => {
    const backend = backendWith();
    const zh = await run(createDevicesCommand({ backend: () => backend }), []);
    expect(zh.out.join('\n')).toContain('可打开');
    expect(zh.out.join('\n')).toContain('键盘模式：请绑定按键');
    const en = await run(createDevicesCommand({ backend: () => backend }), [], 'en');
    expect(en.out.join('\n')).toContain('keyboard mode: bind a key');
    const tw = await run(createDevicesCommand({ backend: () => backend }), [], 'zh-TW');
    expect(tw.out.join('\n')).toContain('可開啟');
  });

  it('says plainly when the HID library cannot load, with what to install; exit 1', async () => {
    const backend = new FakeHidBackend();
    backend.unavailable = new HidUnavailableError('node-hid could not load: libusb-1.0.so.0: cannot open shared object file', 'install libusb (Debian/Ubuntu: apt-get install libusb-1.0-0), then restart the desk');
    const human = await run(createDevicesCommand({ backend: () => backend }), []);
    expect(human.code).toBe(1);
    expect(human.err).toEqual([expect.stringMatching(/^HID 不可用: node-hid could not load: libusb-1\.0\.so\.0.*apt-get install libusb-1\.0-0/)]);
    const json = await run(createDevicesCommand({ backend: () => backend }), ['--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out[0]!)).toMatchObject({ available: false, hint: expect.stringContaining('libusb-1.0-0') });
  });
});

describe('fenliu keys watch', () => {
  it('prints the devices and live events until stopped, then closes the devices', async () => {
    const backend = new FakeHidBackend();
    backend.plug(DEVICES.infinity());
    const controller = new AbortController();
    const command = createKeysCommand({ backend: () => backend, stop: () => controller.signal });
    const running = run(command, ['watch', '--json']);
    while (!backend.isOpen('/dev/hidraw3')) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 10));
    backend.device('/dev/hidraw3').send(REPORTS.infinity.middle);
    backend.device('/dev/hidraw3').send(REPORTS.infinity.allUp);
    await new Promise((r) => setTimeout(r, 60));
    controller.abort();
    const { code, out } = await running;
    expect(code).toBe(0);
    const lines = out.map((l) => JSON.parse(l));
    expect(lines.map((l) => `${l.event} ${l.type ?? l.action ?? ''}`.trim())).toEqual(['state', 'key down', 'action transfer', 'key up']);
    expect(lines[0].devices[0]).toMatchObject({ profile: 'vec-infinity', state: 'connected', path: '/dev/hidraw3' });
    expect(backend.opened.every((d) => d.closed)).toBe(true);
  });
});
