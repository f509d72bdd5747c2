// `fenliu devices`: the HID devices this machine shows, which profile each matches, and whether the desk can open
// it (and why not). For IT setting up a pedal; needs no database.
import type { Command } from '../command';
import { HidUnavailableError, parseEnumeration, type HidBackend, type HidDeviceInfo } from '../../core/keys/hid/backend';
import { createNodeHidBackend } from '../../core/keys/hid/node-hid-backend';
import { findProfile, formatUsbId, isPedalInterface } from '../../core/keys/profiles';
import { keyTexts } from '../../core/keys/messages';
import type { Locale } from '../../core/config/schema';

export interface DeviceReport {
  usbId: string;
  vendorId: number;
  productId: number;
  product: string | null;
  manufacturer: string | null;
  serialNumber: string | null;
  path: string;
  interface: number | null;
  usagePage: number | null;
  usage: number | null;
  /** Profile id, `keyboard-mode`, or null when no profile matches. */
  profile: string | null;
  profileLabel: string | null;
  /** null: not tried (no profile, keyboard-mode, or not the pedal interface). */
  openable: boolean | null;
  reason: string | null;
}

export async function inspectDevices(backend: HidBackend): Promise<DeviceReport[]> {
  const { devices } = parseEnumeration(await backend.devices());
  const reports: DeviceReport[] = [];
  for (const info of devices) reports.push(await inspect(backend, info));
  return reports;
}

async function inspect(backend: HidBackend, info: HidDeviceInfo): Promise<DeviceReport> {
  const match = findProfile(info.vendorId, info.productId);
  const report: DeviceReport = {
    usbId: formatUsbId(info.vendorId, info.productId),
    vendorId: info.vendorId,
    productId: info.productId,
    product: info.product ?? null,
    manufacturer: info.manufacturer ?? null,
    serialNumber: info.serialNumber ?? null,
    path: info.path,
    interface: info.interface ?? null,
    usagePage: info.usagePage ?? null,
    usage: info.usage ?? null,
    profile: match?.id ?? null,
    profileLabel: match?.label ?? null,
    openable: null,
    reason: null,
  };
  if (!match) {
    report.reason = 'no profile';
    return report;
  }
  if (match.kind === 'keyboard-mode') {
    report.reason = 'keyboard-mode: bind a key (F13–F24)';
    return report;
  }
  if (!isPedalInterface(match, info.interface)) {
    report.reason = `not the pedal interface (interface ${info.interface}; pedals are on ${match.interface})`;
    return report;
  }
  try {
    const handle = await backend.open(info.path);
    handle.on('error', () => {});
    await handle.close();
    report.openable = true;
  } catch (error) {
    report.openable = false;
    report.reason = error instanceof Error ? error.message : String(error);
  }
  return report;
}

function hex4(n: number | null): string {
  return n === null ? '-' : `0x${n.toString(16).padStart(4, '0')}`;
}

function describe(report: DeviceReport, locale: Locale): string[] {
  const t = keyTexts(locale);
  let profile: string;
  if (report.profile === null) profile = t.noProfile;
  else if (report.profile === 'keyboard-mode') profile = `${report.profileLabel} — ${t.keyboardMode}`;
  else profile = report.profileLabel ?? report.profile;
  let openable = '—';
  if (report.openable === true) openable = t.openable;
  else if (report.openable === false) openable = `${t.notOpenable}: ${report.reason}`;
  else if (report.profile !== null && report.profile !== 'keyboard-mode') openable = `— (${t.otherInterface})`;
  const maker = report.manufacturer && !report.product?.startsWith(report.manufacturer) ? report.manufacturer : null;
  const product = [maker, report.product].filter(Boolean).join(' ') || '?';
  return [
    `${report.usbId}  ${product}`,
    `    ${t.header[2]}: ${profile}`,
    `    ${t.header[3]}: ${openable}`,
    `    ${t.header[4]}: ${report.path}  interface ${report.interface ?? '-'}  usage ${hex4(report.usagePage)}/${hex4(report.usage)}`,
  ];
}

export function createDevicesCommand(deps: { backend?: () => HidBackend } = {}): Command {
  return {
    name: 'devices',
    summary: 'HID devices: matched transfer-key profile, openable or why not',
    usage: 'fenliu devices [--json]',
    async run(ctx) {
      const backend = (deps.backend ?? createNodeHidBackend)();
      const locale = ctx.json ? 'en' : ctx.config.locale;
      let reports: DeviceReport[];
      try {
        reports = await inspectDevices(backend);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const hint = error instanceof HidUnavailableError ? error.hint : null;
        if (ctx.json) ctx.out(JSON.stringify({ available: false, error: message, hint, devices: [] }));
        else ctx.err(`${keyTexts(locale).hidUnavailable}: ${message}${hint ? ` — ${hint}` : ''}`);
        return 1;
      }
      // Transfer keys first, then the rest, each by USB id: what IT looks for is on top.
      reports.sort(
        (a, b) => Number(a.profile === null) - Number(b.profile === null) || a.usbId.localeCompare(b.usbId) || a.path.localeCompare(b.path),
      );
      if (ctx.json) {
        ctx.out(JSON.stringify({ available: true, devices: reports }));
        return 0;
      }
      if (reports.length === 0) ctx.out(keyTexts(locale).noDevices);
      for (const report of reports) for (const line of describe(report, locale)) ctx.out(line);
      return 0;
    },
  };
}

export const command: Command = createDevicesCommand();
