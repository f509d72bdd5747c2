import { useDesk, useSnapshot, useT } from '../store/context';

/** Unmistakable: the call must not go to the civic platform. Shows the phrases that raised the flag. */
export function RedFlagBanner() {
  const t = useT();
  const classification = useSnapshot('classification');
  const openDialog = useDesk((s) => s.openDialog);
  if (!classification.redFlag) return null;
  return (
    <div className="red-flag" role="alert" data-testid="red-flag-banner">
      <div className="red-flag-text">
        <strong className="red-flag-title">⚠ {t('redflag.title')}</strong>
        <ul className="red-flag-hits">
          {classification.redFlags.map((hit) => (
            <li key={`${hit.code}:${hit.phrase}`}>
              <span className="red-flag-label">{hit.label}</span> {t('redflag.phrase', { phrase: hit.phrase })}
            </li>
          ))}
        </ul>
      </div>
      <button type="button" className="btn btn-ghost-danger" data-testid="override-button" onClick={() => openDialog('override')}>
        {t('redflag.override')}
      </button>
    </div>
  );
}
