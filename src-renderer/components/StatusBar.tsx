import type { KeyStateView, SyncStateView } from '../../src-main/api/contract';
import { formatTime, type Translate } from '../i18n';
import { useDesk, useSnapshot, useT } from '../store/context';

export function syncSummary(sync: SyncStateView, t: Translate, locale: Parameters<typeof formatTime>[1]): { text: string; tone: 'ok' | 'warn' | 'bad' } {
  const parts: string[] = [];
  if (!sync.configured) parts.push(t('sync.notConfigured'));
  else parts.push(sync.online ? t('sync.online') : t('sync.offline'));
  if (sync.queued > 0) parts.push(t('sync.queued', { count: sync.queued }));
  if (sync.pending > 0) parts.push(t('sync.pending', { count: sync.pending }));
  if (sync.rejected > 0) parts.push(t('sync.rejected', { count: sync.rejected }));
  if (sync.configured) parts.push(sync.lastSuccessAt ? t('sync.last', { time: formatTime(sync.lastSuccessAt, locale) }) : t('sync.never'));
  if (sync.credentialsRefused) parts.push(t('sync.credentials'));
  else if (sync.lastError) parts.push(t('sync.error', { error: sync.lastError }));
  const tone = sync.credentialsRefused || sync.rejected > 0 ? 'bad' : sync.configured && sync.online && !sync.lastError ? 'ok' : 'warn';
  return { text: parts.join(' · '), tone };
}

export function keySummary(keys: KeyStateView, t: Translate): { text: string; tone: 'ok' | 'warn' | 'bad' } {
  if (keys.learning) return { text: t('keys.learning', { action: t(`keyAction.${keys.learning.action}` as Parameters<Translate>[0]) }), tone: 'warn' };
  const parts = keys.devices.map((d) => `${d.name} ${t(d.state === 'connected' ? 'keys.connected' : 'keys.missing')}`);
  if (keys.keyboardAccelerator) parts.push(t('keys.keyboard', { key: keys.keyboardAccelerator }));
  if (keys.backend === 'unavailable' && keys.devices.length === 0 && !keys.keyboardAccelerator) parts.push(t('keys.unavailable'));
  if (parts.length === 0) parts.push(t('keys.none'));
  const anyMissing = keys.devices.some((d) => d.state === 'missing');
  const anyConnected = keys.devices.some((d) => d.state === 'connected') || keys.keyboardAccelerator !== null;
  return { text: parts.join(' · '), tone: anyMissing ? 'bad' : anyConnected ? 'ok' : 'warn' };
}

/** One line of what the call-taker must be able to trust: connection, sync, key, rules. */
export function StatusBar() {
  const t = useT();
  const connection = useDesk((s) => s.connection);
  const sync = useSnapshot('sync');
  const keys = useSnapshot('keys');
  const rules = useSnapshot('rules');
  const locale = useSnapshot('locale');
  const openDialog = useDesk((s) => s.openDialog);
  const syncState = syncSummary(sync, t, locale);
  const keyState = keySummary(keys, t);
  return (
    <header className="status-bar">
      <span className="brand">{t('app.title')}</span>
      {connection !== 'open' && (
        <span className="status tone-bad" role="alert" data-testid="connection-status">
          {t(connection === 'closed' ? 'connection.closed' : 'connection.connecting')}
        </span>
      )}
      <span className={`status tone-${syncState.tone}`} data-testid="sync-status" data-online={String(sync.online)} data-queued={sync.queued}>
        <span className="status-label">{t('sync.label')}</span> {syncState.text}
      </span>
      <span className={`status tone-${keyState.tone}`} data-testid="key-status">
        <span className="status-label">{t('keys.label')}</span> {keyState.text}
      </span>
      <span className="status tone-neutral" data-testid="rules-version">
        <span className="status-label">{t('rules.label')}</span> {rules.version}
      </span>
      <button type="button" className="btn btn-small settings-button" data-testid="settings-button" onClick={() => openDialog('settings')}>
        {t('action.settings')} <kbd>F10</kbd>
      </button>
    </header>
  );
}

/** Red and plain: the disk refuses writes, so transfers are refused too. */
export function StorageAlert() {
  const t = useT();
  const storage = useSnapshot('storage');
  if (storage.ok) {
    if (!storage.notice) return null;
    return (
      <div className="storage-alert storage-notice" role="status" data-testid="storage-notice">
        {t('storage.notice', { notice: storage.notice })}
      </div>
    );
  }
  return (
    <div className="storage-alert" role="alert" data-testid="storage-alert">
      {t('storage.problem', { problem: storage.problem ?? '?' })}
    </div>
  );
}
