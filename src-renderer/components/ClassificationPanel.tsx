import { useDesk, useSnapshot, useT } from '../store/context';

/** What the classifier says about the note as it is typed: target, category, the terms that matched. */
export function ClassificationPanel() {
  const t = useT();
  const c = useSnapshot('classification');
  const empty = useDesk((s) => s.draft.trim() === '');
  return (
    <section className="classification" data-testid="classification" data-target={c.target} aria-live="polite">
      <h2 className="label">{t('class.title')}</h2>
      {empty ? (
        <p className="muted">{t('class.empty')}</p>
      ) : (
        <div className="classification-body">
          <span className={`target-chip target-${c.target}`}>
            <span className="target-number">{c.targetNumber}</span> {c.targetName}
          </span>
          {c.category ? (
            <span className="category">
              {t('class.category')}：{c.categoryName ?? c.category} <code>{c.category}</code>
            </span>
          ) : (
            <span className="muted">{t('class.none')}</span>
          )}
          {c.matched.length > 0 && (
            <span className="matched">
              {t('class.matched')}：
              {c.matched.map((term) => (
                <mark key={term}>{term}</mark>
              ))}
            </span>
          )}
        </div>
      )}
    </section>
  );
}
