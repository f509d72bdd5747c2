import type { Command } from '../command';
import { UsageError } from '../command';

export const command: Command = {
  name: 'stats',
  summary: 'calls, dispositions, transfers per target, non-police share, overrides, returned, overdue, dispatches saved',
  usage: 'fenliu stats [--json] [--since DATE]',
  options: { since: { type: 'string' } },
  async run(ctx) {
    const desk = await ctx.openDesk();
    let stats;
    try {
      stats = desk.stats({ since: ctx.values.since as string | undefined });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (ctx.json) {
      ctx.out(JSON.stringify(stats));
      return 0;
    }
    const d = stats.dispositions;
    ctx.out(`since ${stats.since}`);
    ctx.out(`calls ${stats.calls}: transferred ${d.transferred}, kept ${d.kept}, invalid ${d.invalid}, open ${d.open}`);
    ctx.out(`transfers: ${Object.entries(stats.transfersByTarget).map(([t, n]) => `${t} ${n}`).join(', ')}`);
    ctx.out(`non-police share ${(stats.nonPoliceShare * 100).toFixed(1)}%  overrides ${stats.overrides}  returned ${stats.returned}  overdue ${stats.overdue}`);
    ctx.out(`estimated police dispatches saved ${stats.dispatchesSaved}`);
    return 0;
  },
};
