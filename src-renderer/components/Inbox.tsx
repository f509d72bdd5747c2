import { formatTime } from '../i18n';
import { useDesk, useSnapshot, useT } from '../store/context';

/** Matters the civic platform passed to police, shown until someone acknowledges them. */
export function Inbox() {
  const t = useT();
  const inbox = useSnapshot('inbox');
  const locale = useSnapshot('locale');
  const acknowledge = useDesk((s) => s.acknowledgeInbox);
  return (
    <section className={`panel inbox${inbox.length > 0 ? ' attention' : ''}`} data-testid="inbox" aria-label={t('inbox.title')}>
      <h2 className="panel-title">
        {t('inbox.title')} <span className="count">{inbox.length}</span>
      </h2>
      {inbox.length === 0 ? (
        <p className="muted empty">{t('inbox.empty')}</p>
      ) : (
        <ul className="inbox-list">
          {inbox.map((item) => (
            <li key={item.id} className="inbox-item" data-testid="inbox-item">
              <div className="transfer-row-head">
                <time>{formatTime(item.receivedAt, locale)}</time>
                <span>{t('inbox.from', { from: item.from })}</span>
                {item.callerNumber && <span className="muted">{item.callerNumber}</span>}
                {item.category && <code>{item.category}</code>}
              </div>
              <p className="transfer-note">{item.summary}</p>
              <button type="button" className="btn btn-small" data-testid="ack-inbox" onClick={() => void acknowledge(item.id)}>
                {t('action.acknowledge')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
