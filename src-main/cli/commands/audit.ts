import type { Command } from '../command';
import { UsageError } from '../command';
import { openDatabase } from '../../core/store/database';
import { databasePath } from '../../core/config/paths';
import { verifyAudit } from '../../core/store/audit';
import { existsSync } from 'node:fs';

export const command: Command = {
  name: 'audit',
  summary: 'verify the audit log hash chain (audit verify)',
  usage: 'fenliu audit verify [--json]',
  async run(ctx) {
    if (ctx.positionals[0] !== 'verify') throw new UsageError(`usage: ${this.usage}`);
    const file = databasePath(ctx.dataDir);
    if (!existsSync(file)) throw new UsageError(`${file}: no database in this data dir`);
    // Read-only: verifying must not change what it verifies.
    const db = openDatabase(file, { readonly: true });
    try {
      const verdict = verifyAudit(db);
      if (ctx.json) ctx.out(JSON.stringify(verdict));
      else if (verdict.ok) ctx.out(`audit log ok: ${verdict.rows} rows, chain intact`);
      else ctx.err(`audit log BROKEN at row ${verdict.badSeq}: ${verdict.problem}`);
      return verdict.ok ? 0 : 1;
    } finally {
      db.close();
    }
  },
};
