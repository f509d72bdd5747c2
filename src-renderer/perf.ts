// Performance marks for "key event → toast painted" (bench/screen.ts reads the measures from the page).
// A key is marked when it happens: the Desk's timestamp for a device key, the keydown for a shortcut.

export const KEY_MARK = 'fenliu:key';
export const TOAST_MARK = 'fenliu:toast-painted';
export const KEY_TO_TOAST = 'fenliu:key-to-toast';

let pendingKey: { startTime: number; source: string } | null = null;

/** `atEpochMs`: when the key was pressed, in epoch ms (the Desk's clock); default now. */
export function markKey(source: 'device' | 'shortcut' | 'screen', atEpochMs?: number): void {
  const startTime = atEpochMs === undefined ? performance.now() : Math.max(0, atEpochMs - performance.timeOrigin);
  performance.mark(KEY_MARK, { startTime, detail: { source } });
  pendingKey = { startTime, source };
}

/** Runs after the frame that shows the current DOM has been painted (rAF runs before paint; a task after it, after). */
function afterPaint(callback: () => void): void {
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => callback();
    channel.port2.postMessage(null);
  });
}

export function markToastPainted(transferId: string): void {
  const key = pendingKey;
  pendingKey = null;
  afterPaint(() => {
    const end = performance.now();
    performance.mark(TOAST_MARK, { startTime: end, detail: { transferId } });
    if (key) performance.measure(KEY_TO_TOAST, { start: key.startTime, end, detail: { transferId, source: key.source } });
  });
}
