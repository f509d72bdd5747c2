// The tray icon: at a glance, whether transfers reach the upstream and whether the transfer key works.
import type { KeyStateView, Locale, SyncStateView } from '../api/contract';

export type TrayState = 'ok' | 'offline' | 'attention';

const TEXT = {
  'zh-CN': {
    app: '分流',
    syncOff: '未配置联动平台（仅本机）',
    online: (q: number) => `联动平台：在线${q ? `，待发送 ${q}` : ''}`,
    offline: (q: number) => `联动平台：离线，待发送 ${q}`,
    refused: '联动平台：凭据被拒绝，请联系信息科',
    keysOk: (n: number) => `转接键：${n} 个已连接`,
    keysNone: '转接键：未连接（可用键盘 / 屏幕按钮）',
    keysBroken: '转接键：设备驱动不可用',
    keyboardFailed: (a: string) => `键盘转接键 ${a} 被其他程序占用`,
    show: '显示分流窗口',
    onTop: '窗口置顶',
    quit: '退出',
  },
  'zh-TW': {
    app: '分流',
    syncOff: '未設定聯動平台（僅本機）',
    online: (q: number) => `聯動平台：線上${q ? `，待傳送 ${q}` : ''}`,
    offline: (q: number) => `聯動平台：離線，待傳送 ${q}`,
    refused: '聯動平台：憑證被拒絕，請聯絡資訊科',
    keysOk: (n: number) => `轉接鍵：${n} 個已連接`,
    keysNone: '轉接鍵：未連接（可用鍵盤 / 螢幕按鈕）',
    keysBroken: '轉接鍵：裝置驅動不可用',
    keyboardFailed: (a: string) => `鍵盤轉接鍵 ${a} 被其他程式佔用`,
    show: '顯示分流視窗',
    onTop: '視窗置頂',
    quit: '結束',
  },
  en: {
    app: 'Fenliu',
    syncOff: 'No linkage platform configured (this desk only)',
    online: (q: number) => `Linkage platform: online${q ? `, ${q} to send` : ''}`,
    offline: (q: number) => `Linkage platform: offline, ${q} to send`,
    refused: 'Linkage platform: credentials refused, call IT',
    keysOk: (n: number) => `Transfer key: ${n} connected`,
    keysNone: 'Transfer key: none connected (keyboard / screen button work)',
    keysBroken: 'Transfer key: device driver unavailable',
    keyboardFailed: (a: string) => `Keyboard transfer key ${a} is taken by another program`,
    show: 'Show Fenliu',
    onTop: 'Keep window on top',
    quit: 'Quit',
  },
} as const;

export function trayText(locale: Locale) {
  return TEXT[locale];
}

export interface TrayStatus {
  state: TrayState;
  tooltip: string;
}

/** What the tray shows for the current sync and key state. */
export function trayStatus(sync: SyncStateView, keys: KeyStateView, locale: Locale, keyboardFailed: readonly string[] = []): TrayStatus {
  const t = TEXT[locale];
  const waiting = sync.queued + sync.pending;
  const lines: string[] = [t.app];
  let state: TrayState = 'ok';
  if (!sync.configured) lines.push(t.syncOff);
  else if (sync.credentialsRefused) {
    lines.push(t.refused);
    state = 'attention';
  } else if (sync.online) lines.push(t.online(waiting));
  else {
    lines.push(t.offline(waiting));
    state = 'offline';
  }
  const connected = keys.devices.filter((d) => d.state === 'connected').length;
  if (connected > 0) lines.push(t.keysOk(connected));
  else if (keys.backend === 'unavailable' && keys.backendError) lines.push(t.keysBroken);
  else lines.push(t.keysNone);
  for (const accelerator of keyboardFailed) {
    lines.push(t.keyboardFailed(accelerator));
    state = 'attention';
  }
  if (sync.rejected > 0) state = 'attention';
  return { state, tooltip: lines.join('\n') };
}

export interface TrayMenuHandlers {
  show(): void;
  toggleOnTop(checked: boolean): void;
  quit(): void;
}

/** Menu items in Electron's MenuItemConstructorOptions shape. */
export function trayMenuTemplate(locale: Locale, alwaysOnTop: boolean, handlers: TrayMenuHandlers) {
  const t = TEXT[locale];
  return [
    { label: t.show, click: () => handlers.show() },
    { label: t.onTop, type: 'checkbox' as const, checked: alwaysOnTop, click: (item: { checked: boolean }) => handlers.toggleOnTop(item.checked) },
    { type: 'separator' as const },
    { label: t.quit, click: () => handlers.quit() },
  ];
}
