// A KeyService on fake devices and a fake clock, recording everything it says.
import { keysConfigSchema, type KeysConfigInput } from '../../../src-main/core/config/sections/keys';
import type { KeyLogger } from '../../../src-main/core/keys/clock';
import type { DeviceState, KeyActionEvent, KeyEvent } from '../../../src-main/core/keys/events';
import type { ReconnectPolicy } from '../../../src-main/core/keys/hid/reader';
import { KeyService, type LearnedMapping } from '../../../src-main/core/keys/service';
import { FakeClock } from './fake-clock';
import { FakeHidBackend } from './fake-hid';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  obj: object;
}

export function recordingLogger(lines: LogLine[]): KeyLogger {
  const at = (level: LogLine['level']) => (obj: object, msg: string) => void lines.push({ level, msg, obj });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function createRig(options: { config?: KeysConfigInput; reconnect?: Partial<ReconnectPolicy> } = {}) {
  const clock = new FakeClock();
  const backend = new FakeHidBackend();
  const logs: LogLine[] = [];
  const keys: KeyEvent[] = [];
  const actions: KeyActionEvent[] = [];
  const states: DeviceState[][] = [];
  const saved: LearnedMapping[] = [];
  const service = new KeyService({
    config: keysConfigSchema.parse(options.config ?? {}),
    backend,
    clock,
    log: recordingLogger(logs),
    reconnect: options.reconnect,
    saveMapping: (m) => void saved.push(m),
  });
  service.on('key', (e) => void keys.push(e));
  service.on('action', (a) => void actions.push(a));
  service.on('state', (s) => void states.push(s));
  return {
    clock,
    backend,
    service,
    logs,
    keys,
    actions,
    states,
    saved,
    /** Key events as "down 2 middle" strings. */
    keyLines: (deviceId?: string) =>
      keys.filter((k) => !deviceId || k.deviceId === deviceId).map((k) => `${k.type} ${k.button} ${k.name}`),
    actionLines: () => actions.map((a) => `${a.action} ${a.event.button}`),
    stateOf: (path: string) => service.devices().find((d) => d.path === path)?.state,
  };
}
