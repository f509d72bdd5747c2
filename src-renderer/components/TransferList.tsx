import { memo, useMemo } from 'react';
import type { TransferView } from '../../src-main/api/contract';
import { formatTime } from '../i18n';
import { useDesk, useSnapshot, useT } from '../store/context';
import { orderTransfers } from '../store/desk-store';

/** Today's transfers with what upstream says became of them; returned and overdue ones on top. */
export function TransferList() {
  const t = useT();
  const transfers = useSnapshot('transfers');
  const ordered = useMemo(() => orderTransfers(transfers), [transfers]);
  return (
    <section className="panel transfers" aria-label={t('transfers.title')}>
      <h2 className="panel-title">
        {t('transfers.title')} <span className="count">{transfers.length}</span>
      </h2>
      <ol className="transfer-list" data-testid="transfer-list">
        {ordered.length === 0 && <li className="muted empty">{t('transfers.empty')}</li>}
        {ordered.map((transfer) => (
          <TransferRow key={transfer.id} transfer={transfer} />
        ))}
      </ol>
    </section>
  );
}

/** Every Desk update resends the whole list as new objects; a row re-renders only when what it shows changed. */
function sameRow(a: { transfer: TransferView }, b: { transfer: TransferView }): boolean {
  const x = a.transfer;
  const y = b.transfer;
  return (
    x.id === y.id &&
    x.status === y.status &&
    x.statusAt === y.statusAt &&
    x.overdue === y.overdue &&
    x.needsAttention === y.needsAttention &&
    x.comment === y.comment &&
    x.dueAt === y.dueAt &&
    x.undoUntilMs === y.undoUntilMs &&
    x.rejectedError === y.rejectedError
  );
}

const TransferRow = memo(function TransferRow({ transfer }: { transfer: TransferView }) {
  const t = useT();
  const locale = useSnapshot('locale');
  const acknowledge = useDesk((s) => s.acknowledgeReturned);
  const undo = useDesk((s) => s.undo);
  const attention = transfer.needsAttention || transfer.overdue;
  return (
    <li
      className={`transfer-row${attention ? ' attention' : ''} status-${transfer.status}`}
      data-testid="transfer-row"
      data-transfer-id={transfer.id}
      data-status={transfer.status}
    >
      <div className="transfer-row-head">
        <time>{formatTime(transfer.transferredAt, locale)}</time>
        <span className={`target-chip small target-${transfer.target}`}>{transfer.targetNumber}</span>
        <span className="transfer-name">{transfer.targetName}</span>
        <span className={`status-chip status-${transfer.status}`} data-testid="transfer-status">
          {t(`status.${transfer.status}`)}
        </span>
        {transfer.overdue && <span className="status-chip status-overdue">{t('transfers.overdue')}</span>}
      </div>
      <p className="transfer-note" title={transfer.note}>
        {transfer.note}
      </p>
      {transfer.comment && <p className="transfer-comment">{t('transfers.comment', { comment: transfer.comment })}</p>}
      {transfer.rejectedError && <p className="transfer-comment danger">{transfer.rejectedError}</p>}
      {transfer.override && <p className="transfer-meta">{t('transfers.override', { reason: transfer.override.reason })}</p>}
      {transfer.dueAt && !transfer.overdue && transfer.status === 'accepted' && <p className="transfer-meta">{t('transfers.due', { time: formatTime(transfer.dueAt, locale) })}</p>}
      {(transfer.needsAttention || (transfer.undoUntilMs !== null && transfer.undoUntilMs > Date.now())) && (
        <div className="row-actions">
          {transfer.needsAttention && (
            <button type="button" className="btn btn-small" data-testid="ack-returned" onClick={() => void acknowledge(transfer.id)}>
              {t('action.acknowledge')}
            </button>
          )}
          {transfer.status === 'pending' && (
            <button type="button" className="btn btn-small" onClick={() => void undo(transfer.id)}>
              {t('action.undo')}
            </button>
          )}
        </div>
      )}
    </li>
  );
}, sameRow);
