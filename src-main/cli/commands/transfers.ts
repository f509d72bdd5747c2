import type { Command } from '../command';
import { UsageError } from '../command';
import { transferStatusSchema } from '../../api/contract';

export const command: Command = {
  name: 'transfers',
  summary: 'list transfers with their status (today by default)',
  usage: 'fenliu transfers [--json] [--status S] [--since DATE]',
  options: { status: { type: 'string' }, since: { type: 'string' } },
  async run(ctx) {
    let status;
    if (ctx.values.status !== undefined) {
      const parsed = transferStatusSchema.safeParse(ctx.values.status);
      if (!parsed.success) throw new UsageError(`--status: "${String(ctx.values.status)}" is not one of ${transferStatusSchema.options.join(', ')}`);
      status = parsed.data;
    }
    const desk = await ctx.openDesk();
    let list;
    try {
      list = desk.listTransfers({ status, since: (ctx.values.since as string | undefined) ?? '1970-01-01' });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (ctx.json) {
      for (const t of list) ctx.out(JSON.stringify(t));
      return 0;
    }
    for (const t of list) {
      ctx.out([t.transferredAt, t.id, t.callId, t.target, t.category ?? '-', t.status, t.comment ?? ''].join('  ').trimEnd());
    }
    if (list.length === 0) ctx.out('(no transfers)');
    return 0;
  },
};
