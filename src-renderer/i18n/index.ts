// Message lookup for the three languages; the locale itself is Desk state (setLocale), not renderer state.
import type { Locale } from '../../src-main/api/contract';
import { zhCN, type MessageKey } from './zh-CN';
import { zhTW } from './zh-TW';
import { en } from './en';

export type { MessageKey } from './zh-CN';

const CATALOGS: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, 'zh-TW': zhTW, en };

export const LOCALE_NAMES: Record<Locale, string> = { 'zh-CN': '简体中文', 'zh-TW': '繁體中文', en: 'English' };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  const catalog = CATALOGS[locale] ?? zhCN;
  return (key, params) => {
    const text = catalog[key] ?? zhCN[key];
    return params ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole)) : text;
  };
}

/** Hours and minutes; the date too when it is not today (a deadline, a sync long ago). */
export function formatTime(iso: string | null, locale: Locale, now = Date.now()): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const sameDay = new Date(ms).toDateString() === new Date(now).toDateString();
  const options: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hour12: false };
  return new Intl.DateTimeFormat(locale, sameDay ? options : { ...options, month: 'numeric', day: 'numeric' }).format(ms);
}
