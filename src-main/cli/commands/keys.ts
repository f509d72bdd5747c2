// `fenliu keys decode|watch`: for IT, what a transfer key's reports mean, and what the connected keys do now.
// Needs no database: the Desk is not opened.
import { z } from 'zod';
import { UsageError, type CliContext, type Command } from '../command';
import type { HidBackend } from '../../core/keys/hid/backend';
import { createNodeHidBackend } from '../../core/keys/hid/node-hid-backend';
import { ReportDecoder } from '../../core/keys/hid/decoder';
import { buttonName, type DeviceState, type KeyEvent } from '../../core/keys/events';
import { findProfile, formatUsbId, VENDOR_PROFILES } from '../../core/keys/profiles';
import { KeyService } from '../../core/keys/service';
import type { KeyLogger } from '../../core/keys/clock';
import { buttonLabel, keyTexts, problemLabel, stateLabel } from '../../core/keys/messages';
import type { Locale } from '../../core/config/schema';

const USAGE = 'fenliu keys decode --vid V --pid P HEX [HEX …] | fenliu keys watch [--json]';

/** "05f3", "0x05F3" → 0x05f3. USB ids are written in hex everywhere (lsusb, Device Manager), so hex it is. */
const usbIdSchema = z
  .string()
  .regex(/^(0x)?[0-9a-f]{1,4}$/i, 'a USB id in hex, e.g. 05f3 or 0x05f3')
  .transform((s) => parseInt(s.replace(/^0x/i, ''), 16));

/** One report: hex digits, optionally separated by spaces, colons or dashes ("0100", "01 00", "01:00"). */
const reportSchema = z
  .string()
  .transform((s) => s.replace(/[\s:-]/g, '').replace(/^0x/i, ''))
  .pipe(
    z
      .string()
      .min(2, 'a report of at least one byte')
      .regex(/^[0-9a-f]*$/i, 'hex digits only')
      .refine((s) => s.length % 2 === 0, 'an even number of hex digits (whole bytes)'),
  )
  .transform((s) => Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16)));

function parseOption<T>(schema: z.ZodType<T, string>, value: unknown, what: string): T {
  if (typeof value !== 'string') throw new UsageError(`${what} is required (usage: ${USAGE})`);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`${what} "${value}": ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

function decode(ctx: CliContext, reports: string[]): number {
  const vendorId = parseOption(usbIdSchema, ctx.values.vid, '--vid');
  const productId = parseOption(usbIdSchema, ctx.values.pid, '--pid');
  const profile = findProfile(vendorId, productId);
  const usb = formatUsbId(vendorId, productId);
  if (!profile) {
    const known = VENDOR_PROFILES.map((p) => p.productIds.map((pid) => formatUsbId(p.vendorId, pid)).join(', ')).join(', ');
    throw new UsageError(`no profile for ${usb} (supported: ${known})`);
  }
  if (profile.kind === 'keyboard-mode') {
    throw new UsageError(`${usb} is a keyboard-mode pedal: it types a key, which the desk binds (F13–F24); it has no reports to decode`);
  }
  if (reports.length === 0) throw new UsageError(`no report given (usage: ${USAGE})`);
  const bytes = reports.map((r, i) => parseOption(reportSchema, r, `report ${i + 1}`));
  const decoder = new ReportDecoder(profile);
  bytes.forEach((report, i) => {
    const result = decoder.feed(report);
    if (result.kind === 'edges') {
      for (const edge of result.edges) {
        ctx.out(JSON.stringify({ button: edge.button, name: buttonName(edge.button, profile.buttons), type: edge.type }));
      }
    } else {
      ctx.err(`report ${i + 1} ${result.kind === 'garbage' ? 'ignored (garbage)' : 'ignored'}: ${result.reason}`);
    }
  });
  return 0;
}

function time(at: number, start: number): string {
  return `+${((at - start) / 1000).toFixed(3)}s`;
}

function stderrLogger(ctx: CliContext): KeyLogger {
  const line = (level: string) => (obj: object, msg: string) => ctx.err(`${level} ${msg} ${JSON.stringify(obj)}`);
  return { debug() {}, info() {}, warn: line('warn'), error: line('error') };
}

async function watch(ctx: CliContext, backend: HidBackend, stop: AbortSignal): Promise<number> {
  const locale: Locale = ctx.json ? 'en' : ctx.config.locale;
  const t = keyTexts(locale);
  const service = new KeyService({ config: ctx.config.keys, backend, log: stderrLogger(ctx) });
  const start = performance.now();
  const describeState = (d: DeviceState) =>
    `${formatUsbId(d.vendorId, d.productId)} ${d.name} [${d.profile}] ${stateLabel(locale, d.state)}${d.problem ? ` — ${problemLabel(locale, d.problem)} (${d.problem.detail})` : ''}  ${d.path}`;
  let lastStates = '';
  service.on('state', (states) => {
    const text = JSON.stringify(states);
    if (text === lastStates) return;
    lastStates = text;
    if (ctx.json) ctx.out(JSON.stringify({ event: 'state', devices: states }));
    else for (const d of states) ctx.out(describeState(d));
  });
  service.on('key', (e: KeyEvent) => {
    if (ctx.json) ctx.out(JSON.stringify({ event: 'key', ...e }));
    else ctx.out(`${time(e.at, start)} ${e.type.padEnd(4)} ${e.button} ${buttonLabel(locale, e.name)}  ${e.deviceId}`);
  });
  service.on('action', ({ action, event }) => {
    if (ctx.json) ctx.out(JSON.stringify({ event: 'action', action, deviceId: event.deviceId, button: event.button }));
    else ctx.out(`${time(event.at, start)} → ${action}`);
  });
  service.on('unavailable', ({ message, hint }) => ctx.err(`${t.hidUnavailable}: ${message} — ${hint}`));

  const stopped = new Promise<void>((resolve) => {
    if (stop.aborted) resolve();
    else stop.addEventListener('abort', () => resolve(), { once: true });
  });
  // The service's own timers do not hold the process open (unref'd), and with no device open nothing else does.
  const keepAlive = setInterval(() => {}, 60_000);
  await service.start();
  if (!ctx.json) {
    ctx.out(t.watching);
    if (service.devices().length === 0) ctx.out(t.noKeys);
  }
  await stopped;
  clearInterval(keepAlive);
  await service.stop();
  return 0;
}

/** Until Ctrl-C or SIGTERM. */
function untilInterrupted(): AbortSignal {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  controller.signal.addEventListener('abort', () => {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
  });
  return controller.signal;
}

export function createKeysCommand(deps: { backend?: () => HidBackend; stop?: () => AbortSignal } = {}): Command {
  return {
    name: 'keys',
    summary: 'transfer keys: decode device reports into button events; watch live events',
    usage: USAGE,
    options: { vid: { type: 'string' }, pid: { type: 'string' } },
    async run(ctx) {
      const [sub, ...rest] = ctx.positionals;
      if (sub === 'decode') return decode(ctx, rest);
      if (sub === 'watch') {
        if (rest.length > 0) throw new UsageError(`keys watch takes no arguments (usage: ${USAGE})`);
        return watch(ctx, (deps.backend ?? createNodeHidBackend)(), (deps.stop ?? untilInterrupted)());
      }
      throw new UsageError(`${sub === undefined ? 'a sub-command is required' : `unknown sub-command "${sub}"`} (usage: ${USAGE})`);
    },
  };
}

export const command: Command = createKeysCommand();
