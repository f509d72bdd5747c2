// Words about transfer keys for people (CLI, logs shown to IT): Simplified Chinese first, then Traditional, English.
import type { Locale } from '../config/schema';
import type { ButtonName, DeviceConnectionState, DeviceProblem } from './events';

const TEXT = {
  'zh-CN': {
    buttons: { left: '左', middle: '中', right: '右', fourth: '第四', fifth: '第五', sixth: '第六', seventh: '第七', eighth: '第八', key: '按键' },
    states: { connected: '已连接', missing: '未连接', learning: '学习中' },
    problems: {
      'open-failed': '无法打开',
      permission: '无权限：请安装 udev 规则（见 docs/keys.md）',
      'read-error': '读取失败（线缆已拔出？）',
      'keyboard-mode': '键盘模式：请将踏板设为 F13–F24 并在设置中绑定该键',
    },
    openable: '可打开',
    notOpenable: '无法打开',
    noProfile: '不支持的设备',
    otherInterface: '非踏板接口',
    keyboardMode: '键盘模式：请绑定按键',
    noDevices: '未发现 HID 设备。',
    hidUnavailable: 'HID 不可用',
    watching: '正在监听转接键（Ctrl-C 结束）……',
    noKeys: '暂未发现转接键；插入后会自动识别。',
    ignored: '已忽略',
    header: ['VID:PID', '产品', '配置', '打开', '路径'],
  },
  'zh-TW': {
    buttons: { left: '左', middle: '中', right: '右', fourth: '第四', fifth: '第五', sixth: '第六', seventh: '第七', eighth: '第八', key: '按鍵' },
    states: { connected: '已連接', missing: '未連接', learning: '學習中' },
    problems: {
      'open-failed': '無法開啟',
      permission: '無權限：請安裝 udev 規則（見 docs/keys.md）',
      'read-error': '讀取失敗（線纜已拔出？）',
      'keyboard-mode': '鍵盤模式：請將踏板設為 F13–F24 並在設定中綁定該鍵',
    },
    openable: '可開啟',
    notOpenable: '無法開啟',
    noProfile: '不支援的裝置',
    otherInterface: '非踏板介面',
    keyboardMode: '鍵盤模式：請綁定按鍵',
    noDevices: '未發現 HID 裝置。',
    hidUnavailable: 'HID 不可用',
    watching: '正在監聽轉接鍵（Ctrl-C 結束）……',
    noKeys: '暫未發現轉接鍵；插入後會自動識別。',
    ignored: '已忽略',
    header: ['VID:PID', '產品', '設定檔', '開啟', '路徑'],
  },
  en: {
    buttons: { left: 'left', middle: 'middle', right: 'right', fourth: 'fourth', fifth: 'fifth', sixth: 'sixth', seventh: 'seventh', eighth: 'eighth', key: 'key' },
    states: { connected: 'connected', missing: 'missing', learning: 'learning' },
    problems: {
      'open-failed': 'cannot open',
      permission: 'no permission: install the udev rule (see docs/keys.md)',
      'read-error': 'read failed (cable pulled?)',
      'keyboard-mode': 'keyboard mode: program the pedal to send F13–F24 and bind that key in the settings',
    },
    openable: 'openable',
    notOpenable: 'not openable',
    noProfile: 'not supported',
    otherInterface: 'not the pedal interface',
    keyboardMode: 'keyboard mode: bind a key',
    noDevices: 'No HID devices found.',
    hidUnavailable: 'HID unavailable',
    watching: 'Watching transfer keys (Ctrl-C to stop)…',
    noKeys: 'No transfer key found yet; one plugged in will be picked up.',
    ignored: 'ignored',
    header: ['VID:PID', 'product', 'profile', 'open', 'path'],
  },
} as const satisfies Record<Locale, unknown>;

export type KeyTexts = (typeof TEXT)['en'] | (typeof TEXT)['zh-CN'] | (typeof TEXT)['zh-TW'];

export function keyTexts(locale: Locale): KeyTexts {
  return TEXT[locale] ?? TEXT['zh-CN'];
}

export function buttonLabel(locale: Locale, name: ButtonName): string {
  return keyTexts(locale).buttons[name];
}

export function stateLabel(locale: Locale, state: DeviceConnectionState): string {
  return keyTexts(locale).states[state];
}

export function problemLabel(locale: Locale, problem: DeviceProblem): string {
  return keyTexts(locale).problems[problem.code];
}
