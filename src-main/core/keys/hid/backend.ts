// The HID library as the key code sees it: shaped like node-hid 3.4's HIDAsync so that tests pass fake devices.
import { z } from 'zod';

/** One entry of an enumeration; one physical device may have several (one per interface / usage). */
export interface HidDeviceInfo {
  vendorId: number;
  productId: number;
  path: string;
  serialNumber?: string;
  manufacturer?: string;
  product?: string;
  release?: number;
  interface?: number;
  usagePage?: number;
  usage?: number;
}

/** An open device: node-hid emits `data` (one input report) and `error` (a failed read; reading then stops). */
export interface HidHandle {
  on(event: 'data', listener: (report: Buffer) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  removeAllListeners(): unknown;
  close(): Promise<void>;
}

export interface HidBackend {
  devices(): Promise<unknown[]>;
  open(path: string): Promise<HidHandle>;
}

/** The HID library could not be loaded at all (e.g. libusb missing on Linux): no vendor-HID key can work. */
export class HidUnavailableError extends Error {
  constructor(
    message: string,
    /** What IT should do about it, in plain words (English; translated by the caller when shown). */
    readonly hint: string,
  ) {
    super(message);
    this.name = 'HidUnavailableError';
  }
}

const u16 = z.number().int().min(0).max(0xffff);
const optionalText = z
  .string()
  .optional()
  .nullable()
  .transform((v) => v ?? undefined);

const hidDeviceInfoSchema = z.object({
  vendorId: u16,
  productId: u16,
  path: z.string().min(1),
  serialNumber: optionalText,
  manufacturer: optionalText,
  product: optionalText,
  release: z.number().int().optional(),
  interface: z.number().int().optional(),
  usagePage: u16.optional(),
  usage: u16.optional(),
});

/** Entries the library returned that are usable (have a path, numbers in range); the others are reported. */
export function parseEnumeration(entries: unknown[]): { devices: HidDeviceInfo[]; rejected: string[] } {
  const devices: HidDeviceInfo[] = [];
  const rejected: string[] = [];
  entries.forEach((entry, index) => {
    const parsed = hidDeviceInfoSchema.safeParse(entry);
    if (parsed.success) devices.push(parsed.data as HidDeviceInfo);
    else {
      const issue = parsed.error.issues[0];
      rejected.push(`entry ${index}: ${issue ? `${issue.path.join('.') || '(entry)'}: ${issue.message}` : 'invalid'}`);
    }
  });
  return { devices, rejected };
}
