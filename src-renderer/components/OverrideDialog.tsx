import { useState } from 'react';
import { useDesk, useSnapshot, useT } from '../store/context';
import { Dialog } from './Dialog';

/** Second deliberate step: a red-flagged call goes to civic only with a written reason, which is recorded. */
export function OverrideDialog() {
  const t = useT();
  const c = useSnapshot('classification');
  const transfer = useDesk((s) => s.transfer);
  const close = useDesk((s) => s.openDialog);
  const [reason, setReason] = useState('');
  const [sending, setSending] = useState(false);
  // The Desk's schema wants at least 2 characters; the button waits for them so the refusal never surprises.
  const ready = reason.trim().length >= 2 && !sending;
  return (
    <Dialog title={t('override.title')} testId="override-dialog" onClose={() => close(null)}>
      <p className="override-warning">{t('override.warning', { flags: c.redFlags.map((f) => `${f.label}“${f.phrase}”`).join('、') })}</p>
      <label className="override-reason">
        <span className="label">{t('override.reason')}</span>
        <textarea data-testid="override-reason" rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={() => close(null)}>
          {t('override.cancel')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-danger"
          data-testid="override-confirm"
          disabled={!ready}
          onClick={async () => {
            setSending(true);
            await transfer({ trigger: 'screen', target: 'civic', overrideReason: reason.trim() });
            setSending(false);
          }}
        >
          {t('override.confirm')}
        </button>
      </div>
    </Dialog>
  );
}
