import type { Locale } from '../../src-main/api/contract';
import { formatTime, LOCALE_NAMES } from '../i18n';
import { useDesk, useSnapshot, useT } from '../store/context';
import { Dialog } from './Dialog';
import { SHORTCUTS } from './shortcuts';
import { syncSummary } from './StatusBar';

const LEARN_ACTIONS = ['transfer', 'undo', 'keep', 'invalid'] as const;

function KeySettings() {
  const t = useT();
  const keys = useSnapshot('keys');
  const learnKey = useDesk((s) => s.learnKey);
  const cancelLearn = useDesk((s) => s.cancelLearn);
  return (
    <section className="settings-section" data-testid="settings-keys">
      <h3>{t('settings.keys')}</h3>
      {keys.backendError && <p className="danger">{keys.backendError}</p>}
      <ul className="device-list">
        {keys.devices.length === 0 && <li className="muted">{t('keys.none')}</li>}
        {keys.devices.map((d) => (
          <li key={d.deviceId} className={`device state-${d.state}`}>
            <strong>{d.name}</strong> <code>{`${hex(d.vendorId)}:${hex(d.productId)}`}</code> — {t(d.state === 'missing' ? 'keys.missing' : 'keys.connected')}
          </li>
        ))}
        {keys.keyboardAccelerator && (
          <li>
            {t('settings.keyboardKey')}: <kbd>{keys.keyboardAccelerator}</kbd>
          </li>
        )}
      </ul>
      {keys.learning ? (
        <p className="learning" role="status">
          {t('keys.learning', { action: t(`keyAction.${keys.learning.action}` as 'keyAction.transfer') })}{' '}
          <button type="button" className="btn btn-small" data-testid="cancel-learn" onClick={() => void cancelLearn()}>
            {t('settings.cancelLearn')}
          </button>
        </p>
      ) : (
        <>
          <p className="muted">{t('settings.learnHint')}</p>
          <div className="button-row">
            {LEARN_ACTIONS.map((action) => (
              <button key={action} type="button" className="btn btn-small" data-testid={`learn-${action}`} onClick={() => void learnKey(action)}>
                {t('settings.learn', { action: t(`keyAction.${action}`) })}
              </button>
            ))}
          </div>
        </>
      )}
    </section>
  );
}

function hex(n: number): string {
  return n.toString(16).padStart(4, '0');
}

function UpstreamSettings() {
  const t = useT();
  const sync = useSnapshot('sync');
  const locale = useSnapshot('locale');
  const syncNow = useDesk((s) => s.syncNow);
  const summary = syncSummary(sync, t, locale);
  return (
    <section className="settings-section" data-testid="settings-upstream">
      <h3>{t('settings.upstream')}</h3>
      <p className={`tone-text-${summary.tone}`}>{summary.text}</p>
      {sync.nextTryAt && <p className="muted">{t('settings.nextTry', { time: formatTime(sync.nextTryAt, locale) })}</p>}
      <button type="button" className="btn btn-small" data-testid="sync-now" onClick={() => void syncNow()}>
        {t('sync.now')}
      </button>
    </section>
  );
}

function LanguageSettings() {
  const t = useT();
  const locale = useSnapshot('locale');
  const setLocale = useDesk((s) => s.setLocale);
  return (
    <section className="settings-section">
      <h3>{t('settings.language')}</h3>
      <div className="button-row" role="radiogroup" aria-label={t('settings.language')}>
        {(Object.keys(LOCALE_NAMES) as Locale[]).map((code) => (
          <label key={code} className={`radio${code === locale ? ' selected' : ''}`}>
            <input type="radio" name="locale" value={code} data-testid={`locale-${code}`} checked={code === locale} onChange={() => void setLocale(code)} />
            {LOCALE_NAMES[code]}
          </label>
        ))}
      </div>
    </section>
  );
}

function ShortcutList() {
  const t = useT();
  return (
    <section className="settings-section">
      <h3>{t('settings.shortcuts')}</h3>
      <dl className="shortcut-list">
        {(Object.keys(SHORTCUTS) as (keyof typeof SHORTCUTS)[]).map((name) => (
          <div key={name}>
            <dt>
              <kbd>{SHORTCUTS[name].join(' / ')}</kbd>
            </dt>
            <dd>{t(`shortcut.${name}`)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export function SettingsDialog() {
  const t = useT();
  const keys = useSnapshot('keys');
  const openDialog = useDesk((s) => s.openDialog);
  const cancelLearn = useDesk((s) => s.cancelLearn);
  return (
    <Dialog
      title={t('settings.title')}
      testId="settings-dialog"
      onClose={() => {
        if (keys.learning) void cancelLearn();
        openDialog(null);
      }}
    >
      <div className="settings-grid">
        <KeySettings />
        <UpstreamSettings />
        <LanguageSettings />
        <ShortcutList />
      </div>
    </Dialog>
  );
}
