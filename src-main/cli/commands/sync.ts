import type { Command } from '../command';
import { UsageError } from '../command';
import { upstreamConfigSchema } from '../../core/config/sections/upstream';
import { databasePath } from '../../core/config/paths';
import { openDatabase } from '../../core/store/database';
import { createSyncEngine } from '../../core/sync';

// Opens the database directly rather than the Desk: sync needs neither the classifier nor a key reader.
export const command: Command = {
  name: 'sync',
  summary: 'push undelivered transfers to the upstream and pull their statuses and the inbox; exit 0 when nothing is left to send',
  usage: 'fenliu sync [--upstream URL] [--token T] [--until-empty] [--timeout SECONDS] [--json]   (token also from FENLIU_UPSTREAM_TOKEN)',
  options: {
    upstream: { type: 'string' },
    token: { type: 'string' },
    'until-empty': { type: 'boolean', default: false },
    timeout: { type: 'string' },
  },
  async run(ctx) {
    const untilEmpty = ctx.values['until-empty'] === true;
    const timeoutText = ctx.values.timeout as string | undefined;
    const timeoutS = timeoutText === undefined ? (untilEmpty ? 300 : 60) : Number(timeoutText);
    if (!Number.isFinite(timeoutS) || timeoutS <= 0 || timeoutS > 86_400) {
      throw new UsageError(`--timeout: "${timeoutText}" is not a number of seconds between 0 and 86400`);
    }
    const flagToken = ctx.values.token as string | undefined;
    const envToken = process.env.FENLIU_UPSTREAM_TOKEN || undefined;
    const candidate = {
      ...ctx.config.upstream,
      url: (ctx.values.upstream as string | undefined) ?? ctx.config.upstream.url,
      token: flagToken ?? envToken ?? ctx.config.upstream.token,
    };
    const parsed = upstreamConfigSchema.safeParse(candidate);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = String(issue.path[0] ?? '');
      const source = field === 'url' ? '--upstream / upstream.url' : field === 'token' ? '--token / FENLIU_UPSTREAM_TOKEN / upstream.token' : `upstream.${field}`;
      throw new UsageError(`${source}: ${issue.message}`);
    }
    const upstream = parsed.data;
    if (!upstream.url) throw new UsageError('no upstream: set upstream.url in the configuration or pass --upstream URL');
    if (!upstream.token) throw new UsageError('no token: set upstream.token, FENLIU_UPSTREAM_TOKEN or pass --token');

    const db = openDatabase(databasePath(ctx.dataDir));
    const engine = createSyncEngine({
      db,
      config: { ...ctx.config, upstream },
      log: {
        info: () => undefined,
        // The engine's messages are already free of secrets; show why it is waiting.
        warn: (obj, msg) => {
          const o = obj as { error?: string; retryInMs?: number; transferId?: string };
          if (msg === 'upstream sync did not complete' && untilEmpty && o.retryInMs !== undefined) ctx.err(`${o.error}；${Math.ceil(o.retryInMs / 1000)} 秒后重试`);
          else if (o.transferId && o.error) ctx.err(`上级平台拒收 ${o.transferId}：${o.error}`);
        },
      },
    });
    try {
      const report = untilEmpty ? await engine.syncUntilEmpty(timeoutS * 1000) : await engine.syncOnce(timeoutS * 1000);
      if (ctx.json) ctx.out(JSON.stringify(report));
      else {
        ctx.out(`已送达 ${report.pushed} 条（上级已有 ${report.duplicates} 条），被拒收 ${report.rejected} 条；状态更新 ${report.updates} 条，收件 ${report.inbox} 条；尚未送达 ${report.pending} 条`);
        if (report.lastError) ctx.out(`最近的问题：${report.lastError}`);
      }
      return report.pending === 0 ? 0 : 1;
    } finally {
      await engine.stop();
      db.close();
    }
  },
};
