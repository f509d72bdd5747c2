import { useDesk, useDeskStore, useSnapshot, useT } from '../store/context';
import { chooseTarget, OTHER_TARGETS, SHORTCUTS } from './shortcuts';
import { markKey } from '../perf';

function Kbd({ keys }: { keys: readonly string[] }) {
  return <kbd>{keys.join(' / ')}</kbd>;
}

/** The on-screen transfer button (same as the key), closing the call, and sending it elsewhere. */
export function CallActions() {
  const t = useT();
  const store = useDeskStore();
  const c = useSnapshot('classification');
  const targets = useSnapshot('targets');
  const transfer = useDesk((s) => s.transfer);
  const closeCall = useDesk((s) => s.closeCall);
  const police = c.target === '110';
  return (
    <div className="call-actions">
      <button
        type="button"
        className={`btn btn-transfer target-${c.target}`}
        data-testid="transfer-button"
        onClick={() => {
          markKey('screen');
          void transfer({ trigger: 'screen' });
        }}
      >
        {police ? t('action.policeKeep') : `${t('action.transfer')} → ${c.targetNumber}`} <Kbd keys={SHORTCUTS.transfer} />
      </button>
      <button type="button" className="btn" data-testid="close-kept" onClick={() => void closeCall('kept')}>
        {t('action.keep')} <Kbd keys={SHORTCUTS.keep} />
      </button>
      <button type="button" className="btn" data-testid="close-invalid" onClick={() => void closeCall('invalid')}>
        {t('action.invalid')} <Kbd keys={SHORTCUTS.invalid} />
      </button>
      <div className="other-targets" role="group" aria-label={t('action.chooseOther')}>
        <span className="label">{t('action.chooseOther')}</span>
        {OTHER_TARGETS.map((code, index) => {
          const target = targets.find((x) => x.code === code);
          if (!target || code === c.target) return null;
          return (
            <button
              key={code}
              type="button"
              className={`btn btn-small target-${code}`}
              data-testid={`choose-${code}`}
              onClick={() => chooseTarget(store, code)}
            >
              {target.number} <Kbd keys={[`Alt+${index + 1}`]} />
            </button>
          );
        })}
      </div>
    </div>
  );
}
