// The transfer key for screen tests: an Infinity foot pedal on a fake node-hid backend, read by the real key
// service (reader, decoder, debounce, mapping) that openDesk attaches. A press is the device's report bytes.
import { FakeHidBackend } from '../hid/fake-hid';
import { DEVICES, REPORTS } from '../hid/reports';

const PEDAL_PATH = '/dev/hidraw-e2e';
/** Infinity defaults: left undo, middle and right transfer. */
const PEDAL_FOR = { transfer: REPORTS.infinity.middle, undo: REPORTS.infinity.left } as const;

export class SimulatedPedal {
  readonly backend = new FakeHidBackend();

  constructor() {
    this.backend.plug(DEVICES.infinity(PEDAL_PATH));
  }

  /**
   * The pedal is pressed and released now; returns the press time (epoch ms, sub-millisecond). Like a real pedal,
   * two presses less than the debounce time apart (30 ms) count as one.
   */
  press(action: keyof typeof PEDAL_FOR = 'transfer'): number {
    const at = performance.timeOrigin + performance.now();
    const device = this.backend.device(PEDAL_PATH);
    device.send(PEDAL_FOR[action]);
    device.send(REPORTS.infinity.allUp);
    return at;
  }

  /** The cable is pulled: the read fails and the desk shows the key as missing. */
  unplug(): void {
    this.backend.unplug(PEDAL_PATH);
  }
}
