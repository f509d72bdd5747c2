import type { Command } from '../command';
import { UsageError } from '../command';
import { targetCodeSchema } from '../../api/contract';

export const command: Command = {
  name: 'transfer',
  summary: 'do for one call exactly what the transfer key does (no undo window); prints the stored transfer',
  usage: 'fenliu transfer --note TEXT [--call-id ID] [--caller NUMBER] [--target CODE] [--override-reason TEXT] [--json]',
  options: {
    note: { type: 'string' },
    'call-id': { type: 'string' },
    caller: { type: 'string' },
    target: { type: 'string' },
    'override-reason': { type: 'string' },
  },
  async run(ctx) {
    const note = ctx.values.note;
    if (typeof note !== 'string') throw new UsageError('--note TEXT is required');
    if (note.length > 4000) throw new UsageError('--note: a note is at most 4000 characters');
    let target;
    if (ctx.values.target !== undefined) {
      const parsed = targetCodeSchema.safeParse(ctx.values.target);
      if (!parsed.success) throw new UsageError(`--target: "${String(ctx.values.target)}" is not one of 110, civic, 119, 120, 122`);
      target = parsed.data;
    }
    const reason = ctx.values['override-reason'];
    if (typeof reason === 'string' && reason.trim().length < 2) throw new UsageError('--override-reason: write a reason of at least 2 characters');
    const desk = await ctx.openDesk();
    const result = desk.transferNow(
      { note, callId: ctx.values['call-id'] as string | undefined, callerNumber: (ctx.values.caller as string | undefined) ?? null },
      { target, overrideReason: reason as string | undefined },
    );
    if (ctx.json) ctx.out(JSON.stringify(result.kind === 'transferred' || result.kind === 'already' ? { result: result.kind, ...result.transfer } : { result: result.kind, ...('message' in result ? { message: result.message } : {}), target: result.classification?.target ?? null, classification: result.classification }));
    switch (result.kind) {
      case 'transferred':
      case 'already': {
        const t = result.transfer;
        if (!ctx.json) {
          ctx.out(`${result.kind === 'already' ? '此来电已转接过（未重复转接）' : '已转接'}: ${t.targetName} ${t.targetNumber}  ${t.category ?? ''}`);
          ctx.out(`transfer ${t.id}  call ${t.callId}  status ${t.status}  at ${t.transferredAt}`);
          if (t.override) ctx.out(`override: ${t.override.reason} (by ${t.override.by})`);
        }
        return 0;
      }
      case 'police':
        if (!ctx.json) ctx.out('警情：此来电留在110处理，未转接 (police matter: the call stays with 110, nothing was transferred)');
        return 3;
      case 'refused':
        if (!ctx.json) ctx.err(`refused: ${result.message}`);
        return result.reason === 'storage' ? 1 : 3;
    }
  },
};
