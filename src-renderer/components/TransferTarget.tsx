import { useSnapshot, useT } from '../store/context';

/** Always visible: where the transfer key sends this call right now. */
export function TransferTarget() {
  const t = useT();
  const c = useSnapshot('classification');
  return (
    <div className={`transfer-target target-${c.target}`} data-testid="transfer-target" data-target={c.target}>
      <span className="label">{t('target.label')}</span>
      <strong>{c.target === '110' ? t('target.police') : t('target.transferTo', { name: c.targetName, number: c.targetNumber })}</strong>
    </div>
  );
}
