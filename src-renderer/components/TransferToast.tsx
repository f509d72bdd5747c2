import { useEffect, useState } from 'react';
import { useDesk, useT } from '../store/context';
import type { Toast } from '../store/desk-store';
import { markToastPainted } from '../perf';
import { SHORTCUTS } from './shortcuts';

const LINGER_MS = { transferred: 2500, other: 5000 };

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/** The answer to a key press: where the call went and how long it can still be undone. */
export function TransferToast() {
  const toast = useDesk((s) => s.toast);
  if (!toast) return <div className="toast-slot" />;
  return (
    <div className="toast-slot">
      <ToastBody key={toast.id} toast={toast} />
    </div>
  );
}

function ToastBody({ toast }: { toast: Toast }) {
  const t = useT();
  const undo = useDesk((s) => s.undo);
  const dismiss = useDesk((s) => s.dismissToast);
  const undoUntil = toast.kind === 'transferred' ? toast.transfer.undoUntilMs : null;
  const now = useNow(undoUntil !== null);
  const undoable = undoUntil !== null && undoUntil > now;

  useEffect(() => {
    if (toast.kind === 'transferred') markToastPainted(toast.transfer.id);
  }, [toast]);

  // Gone a while after there is nothing left to do with it.
  const expiresAt = toast.kind === 'transferred' ? (undoUntil ?? 0) + LINGER_MS.transferred : 0;
  useEffect(() => {
    const delay = toast.kind === 'transferred' ? Math.max(LINGER_MS.transferred, expiresAt - Date.now()) : LINGER_MS.other;
    const timer = setTimeout(() => dismiss(toast.id), delay);
    return () => clearTimeout(timer);
  }, [toast.id, toast.kind, expiresAt, dismiss]);

  const tone = toast.kind === 'transferred' ? `target-${toast.transfer.target}` : toast.kind === 'police' ? 'target-110' : toast.kind === 'refused' || toast.kind === 'failed' ? 'tone-danger' : 'tone-neutral';
  const alert = toast.kind === 'police' || toast.kind === 'refused' || toast.kind === 'failed';
  return (
    <div className={`toast ${tone}`} data-testid="transfer-toast" data-kind={toast.kind} role={alert ? 'alert' : 'status'}>
      <div className="toast-main">
        <strong className="toast-title">{title(toast, t)}</strong>
        {toast.kind === 'transferred' && (
          <span className="toast-sub" data-testid="toast-countdown">
            {undoable ? t('toast.countdown', { seconds: Math.ceil((undoUntil - now) / 1000) }) : t('toast.final')}
          </span>
        )}
        {toast.kind === 'police' && <span className="toast-sub">{t('toast.policeHint', { key: 'F3' })}</span>}
      </div>
      {toast.kind === 'transferred' && undoable && (
        <>
          <div className="toast-progress" aria-hidden="true">
            <div className="toast-progress-bar" style={{ width: `${remainingPercent(undoUntil, now, toast.transfer.transferredAt)}%` }} />
          </div>
          <button type="button" className="btn btn-undo" data-testid="undo-button" onClick={() => void undo(toast.transfer.id)}>
            {t('action.undo')} <kbd>{SHORTCUTS.undo.join(' / ')}</kbd>
          </button>
        </>
      )}
    </div>
  );
}

function remainingPercent(undoUntil: number, now: number, transferredAt: string): number {
  const windowMs = undoUntil - Date.parse(transferredAt);
  return windowMs > 0 ? Math.max(0, Math.min(100, ((undoUntil - now) / windowMs) * 100)) : 0;
}

function title(toast: Toast, t: ReturnType<typeof useT>): string {
  switch (toast.kind) {
    case 'transferred':
      return t('toast.transferred', { name: toast.transfer.targetName, number: toast.transfer.targetNumber });
    case 'police':
      return t('toast.police');
    case 'undone':
      return t('toast.undone', { name: toast.transfer.targetName });
    case 'too-late':
      return t('toast.tooLate', { name: toast.transfer.targetName });
    case 'already':
      return t('toast.already', { name: toast.transfer.targetName });
    case 'nothing':
      return t('toast.nothing');
    case 'closed':
      return t(toast.disposition === 'kept' ? 'toast.closedKept' : 'toast.closedInvalid');
    case 'refused':
      return t('toast.refused', { message: toast.message });
    case 'failed':
      return t('toast.failed', { message: toast.message });
  }
}
