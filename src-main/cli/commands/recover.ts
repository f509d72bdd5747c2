// `fenliu recover OLD.db [--json]`: salvages calls, transfers, outbox rows, status updates and inbox items from a
// damaged database (e.g. the fenliu-damaged-*.db the desk moved aside at start) into this data dir's database.
import { existsSync, realpathSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from '../command';
import { UsageError } from '../command';
import { databasePath } from '../../core/config/paths';
import { DatabaseDamagedError, openDatabase } from '../../core/store/database';
import { recoverDatabase, RecoverError, type RecoverReport, type TableCounts } from '../../core/transfers/recover';

function line(name: string, c: TableCounts): string {
  return `  ${name.padEnd(14)} found ${c.found}, added ${c.inserted}, already here ${c.alreadyPresent}${c.conflicting ? `, not added (conflict) ${c.conflicting}` : ''}`;
}

function summary(r: RecoverReport, target: string): string[] {
  const how = { whole: 'SQLite read it whole', partial: 'SQLite read part of it; the rest came from its raw pages', unreadable: 'SQLite could not read it; rows came from its raw pages' }[r.sqlite];
  return [
    `recovered from ${r.source} into ${target} (${how})`,
    line('calls', r.calls),
    line('transfers', r.transfers),
    line('outbox', r.outbox),
    line('status updates', r.statusUpdates),
    line('inbox', r.inbox),
    ...(r.invalidRows > 0 ? [`  ${r.invalidRows} garbled row(s) were not written`] : []),
    ...r.notes.map((n) => `  note: ${n}`),
    'written in one transaction and recorded in the audit log (store.recover); the damaged file was not changed',
  ];
}

export const command: Command = {
  name: 'recover',
  summary: 'salvage transfers, calls and outbox rows from a damaged database into this data dir',
  usage: 'fenliu recover OLD.db [--json]',
  async run(ctx) {
    const source = ctx.positionals[0];
    if (!source || ctx.positionals.length > 1) throw new UsageError(`usage: ${this.usage}`);
    const sourceFile = resolve(source);
    if (!existsSync(sourceFile)) throw new UsageError(`${sourceFile}: no such file`);
    const target = databasePath(ctx.dataDir);
    if (existsSync(target) && realpathSync(target) === realpathSync(sourceFile)) {
      throw new UsageError(`${sourceFile} is this data dir's own database; name the damaged copy (fenliu-damaged-*.db)`);
    }
    let db;
    try {
      db = openDatabase(target, { quickCheck: true });
    } catch (error) {
      if (error instanceof DatabaseDamagedError) {
        throw new UsageError(`${target} is damaged too; start the desk once (it moves the file aside) and run recover again`, 1);
      }
      throw error;
    }
    try {
      const report = recoverDatabase(db, sourceFile, { actor: `it:${userInfo().username}` });
      if (ctx.json) ctx.out(JSON.stringify(report));
      else for (const l of summary(report, target)) ctx.out(l);
      const anything = report.calls.found + report.transfers.found + report.statusUpdates.found + report.inbox.found > 0;
      if (!anything && !ctx.json) ctx.err('nothing readable was found in that file');
      return anything ? 0 : 1;
    } catch (error) {
      if (error instanceof RecoverError) throw new UsageError(error.message);
      throw error;
    } finally {
      db.close();
    }
  },
};
