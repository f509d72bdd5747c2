// The real backend: node-hid 3.4, loaded only when first needed so that a desk without libusb (or without any
// pedal) starts all the same, and says clearly why vendor-HID keys are unavailable.
import { access, constants } from 'node:fs/promises';
import { HidUnavailableError, type HidBackend, type HidHandle } from './backend';

type NodeHid = typeof import('node-hid');

let loading: Promise<NodeHid> | undefined;

async function loadNodeHid(): Promise<NodeHid> {
  loading ??= (async () => {
    let mod: NodeHid;
    try {
      const imported = (await import('node-hid')) as NodeHid & { default?: NodeHid };
      mod = imported.default ?? imported;
      // The native binding loads on first use: make it load now, so that its failure is reported here.
      mod.getHidapiVersion();
    } catch (error) {
      loading = undefined;
      throw unavailable(error);
    }
    return mod;
  })();
  return loading;
}

function unavailable(error: unknown): HidUnavailableError {
  const message = error instanceof Error ? error.message : String(error);
  if (/libusb/i.test(message)) {
    return new HidUnavailableError(
      `node-hid could not load: ${message}`,
      'install libusb (Debian/Ubuntu: apt-get install libusb-1.0-0), then restart the desk',
    );
  }
  return new HidUnavailableError(
    `node-hid could not load: ${message}`,
    'reinstall the desk; node-hid ships prebuilt for Windows, macOS and Linux (x64, arm64)',
  );
}

/** node-hid says only "cannot open device"; on Linux, name the usual cause (no udev rule → no permission). */
async function explainOpenFailure(path: string, error: unknown): Promise<Error> {
  const message = error instanceof Error ? error.message : String(error);
  if (/permission denied|access (is )?denied/i.test(message)) return Object.assign(new Error(message), { code: 'EACCES' });
  if (process.platform === 'linux' && path.startsWith('/dev/')) {
    try {
      await access(path, constants.R_OK | constants.W_OK);
    } catch (accessError) {
      const code = (accessError as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') {
        return Object.assign(new Error(`${message}: permission denied on ${path}`), { code: 'EACCES' });
      }
    }
  }
  return error instanceof Error ? error : new Error(message);
}

export function createNodeHidBackend(): HidBackend {
  return {
    async devices() {
      const hid = await loadNodeHid();
      return hid.devicesAsync();
    },
    async open(path) {
      const hid = await loadNodeHid();
      try {
        return (await hid.HIDAsync.open(path)) as unknown as HidHandle;
      } catch (error) {
        throw await explainOpenFailure(path, error);
      }
    },
  };
}
