import type { StatsView, TargetView } from '../../src-main/api/contract';
import { useSnapshot, useT } from '../store/context';

const BAR_TARGETS = ['civic', '119', '120', '122'] as const;

/** Transfers per target as bars: a glance tells where this shift's calls went. */
function TargetBars({ stats, targets, label }: { stats: StatsView; targets: TargetView[]; label: string }) {
  const max = Math.max(1, ...BAR_TARGETS.map((code) => stats.transfersByTarget[code]));
  const rowH = 22;
  const labelW = 56;
  const width = 260;
  return (
    <svg className="bars" viewBox={`0 0 ${width} ${rowH * BAR_TARGETS.length}`} role="img" aria-label={label}>
      {BAR_TARGETS.map((code, i) => {
        const n = stats.transfersByTarget[code];
        const w = ((width - labelW - 36) * n) / max;
        const name = targets.find((t) => t.code === code)?.number ?? code;
        return (
          <g key={code} transform={`translate(0 ${i * rowH})`}>
            <text x={0} y={rowH / 2 + 5} className="bar-label">
              {name}
            </text>
            <rect x={labelW} y={4} width={Math.max(n > 0 ? 3 : 0, w)} height={rowH - 8} rx={3} className={`bar target-${code}`} />
            <text x={labelW + w + 6} y={rowH / 2 + 5} className="bar-value">
              {n}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function Figure({ label, value, tone }: { label: string; value: string | number; tone?: 'warn' }) {
  return (
    <div className={`figure${tone ? ` ${tone}` : ''}`}>
      <span className="figure-value">{value}</span>
      <span className="figure-label">{label}</span>
    </div>
  );
}

export function StatsPanel() {
  const t = useT();
  const stats = useSnapshot('stats');
  const targets = useSnapshot('targets');
  const share = Math.round(stats.nonPoliceShare * 100);
  return (
    <section className="panel stats" data-testid="stats-panel" aria-label={t('stats.title')}>
      <h2 className="panel-title">{t('stats.title')}</h2>
      <div className="stats-body">
        <div className="figures">
          <Figure label={t('stats.calls')} value={stats.calls} />
          <Figure label={t('stats.transferred')} value={stats.dispositions.transferred} />
          <Figure label={t('stats.kept')} value={stats.dispositions.kept} />
          <Figure label={t('stats.invalid')} value={stats.dispositions.invalid} />
          <Figure label={t('stats.overrides')} value={stats.overrides} tone={stats.overrides > 0 ? 'warn' : undefined} />
          <Figure label={t('stats.returned')} value={stats.returned} tone={stats.returned > 0 ? 'warn' : undefined} />
          <Figure label={t('stats.saved')} value={stats.dispatchesSaved} />
        </div>
        <div className="chart">
          <div className="share" aria-label={`${t('stats.share')} ${share}%`}>
            <span className="label">{t('stats.share')}</span>
            <div className="share-track">
              <div className="share-fill" style={{ width: `${share}%` }} />
            </div>
            <span className="share-value" data-testid="stats-share">
              {share}%
            </span>
          </div>
          <TargetBars stats={stats} targets={targets} label={t('stats.chart')} />
        </div>
      </div>
    </section>
  );
}
