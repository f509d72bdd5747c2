// `fenliu recover OLD.db`: salvages what can still be read from a damaged database (calls, transfers, outbox,
// upstream status updates, inbox) into the current one, in one audited transaction. Rows are read twice over:
// through SQLite (current versions, as far as the b-trees hold) and from the raw pages (sqlite-pages.ts) for what
// SQLite cannot reach. Every row is validated before it is written; ids are primary keys, so running it again,
// or on a file whose rows are already here, adds nothing twice. The damaged file itself is never changed.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { TRANSFER_STATUSES } from '../../api/contract';
import { appendAudit } from '../store/audit';
import type { Db } from '../store/database';
import { LATEST_SCHEMA_VERSION } from '../store/migrations';
import { TransferRepository } from './repository';
import { scanRawRecords, type RawRecord, type SqlValue } from '../store/sqlite-pages';
import { toRfc3339 } from '../store/time';

const text = z.string();
const maybeText = z.string().nullable();
const integer = z.number().int();
const statusSchema = z.enum(TRANSFER_STATUSES);

/** The salvaged tables as migration 0001 made them (column order matters for the raw pages). */
const TABLES = {
  calls: {
    columns: ['id', 'started_at', 'caller_number', 'note', 'classification', 'disposition', 'disposition_at'],
    schema: z.strictObject({
      id: text.min(1),
      started_at: text,
      caller_number: maybeText,
      note: text,
      classification: maybeText,
      disposition: z.enum(['transferred', 'kept', 'invalid']).nullable(),
      disposition_at: maybeText,
    }),
  },
  transfers: {
    columns: [
      'id', 'call_id', 'desk_id', 'operator_id', 'caller_number', 'call_started_at', 'transferred_at', 'transferred_ms',
      'target', 'target_number', 'category', 'red_flag', 'override', 'trigger', 'note', 'rules_version', 'matched_terms',
      'status', 'hold_until_ms', 'status_at', 'status_by', 'due_at', 'comment', 'rejected_error', 'attention',
      'acknowledged_at',
    ],
    schema: z.strictObject({
      id: text.min(1),
      call_id: text.min(1),
      desk_id: text,
      operator_id: text,
      caller_number: maybeText,
      call_started_at: text,
      transferred_at: text,
      transferred_ms: integer,
      target: z.enum(['civic', '119', '120', '122']),
      target_number: text,
      category: maybeText,
      red_flag: z.union([z.literal(0), z.literal(1)]),
      override: maybeText,
      trigger: z.enum(['hid-key', 'keyboard', 'screen']),
      note: text,
      rules_version: text,
      matched_terms: text,
      status: statusSchema,
      hold_until_ms: integer,
      status_at: text,
      status_by: maybeText,
      due_at: maybeText,
      comment: maybeText,
      rejected_error: maybeText,
      attention: z.union([z.literal(0), z.literal(1)]),
      acknowledged_at: maybeText,
    }),
  },
  outbox: {
    columns: ['seq', 'transfer_id', 'not_before_ms', 'attempts', 'last_error'],
    schema: z.strictObject({ seq: integer, transfer_id: text.min(1), not_before_ms: integer, attempts: integer, last_error: maybeText }),
  },
  status_updates: {
    columns: ['id', 'transfer_id', 'status', 'at', 'by', 'due_at', 'comment', 'received_at', 'known'],
    schema: z.strictObject({
      id: integer,
      transfer_id: text.min(1),
      status: text.min(1),
      at: text,
      by: maybeText,
      due_at: maybeText,
      comment: maybeText,
      received_at: text,
      known: z.union([z.literal(0), z.literal(1)]),
    }),
  },
  inbox: {
    columns: ['id', 'source', 'received_at', 'caller_number', 'summary', 'category', 'stored_at', 'acknowledged_at', 'acknowledged_by'],
    schema: z.strictObject({
      id: text.min(1),
      source: text,
      received_at: text,
      caller_number: maybeText,
      summary: text,
      category: maybeText,
      stored_at: text,
      acknowledged_at: maybeText,
      acknowledged_by: maybeText,
    }),
  },
  audit_log: {
    columns: ['seq', 'at', 'kind', 'subject_id', 'actor', 'detail', 'prev_hash', 'hash'],
    schema: z.strictObject({ seq: integer, at: text, kind: text, subject_id: maybeText, actor: maybeText, detail: text, prev_hash: text, hash: text }),
  },
} as const;

type TableName = keyof typeof TABLES;
type RowOf<T extends TableName> = z.infer<(typeof TABLES)[T]['schema']>;
type CallRow = RowOf<'calls'>;
type TransferRow = RowOf<'transfers'>;
type OutboxRow = RowOf<'outbox'>;
type StatusUpdateRow = RowOf<'status_updates'>;
type InboxRow = RowOf<'inbox'>;
type AuditRow = RowOf<'audit_log'>;

/** The tables and columns salvaged; exported for the test that keeps them in step with the migrations. */
export const SALVAGED_TABLES = Object.keys(TABLES) as TableName[];
export function salvagedColumns(table: TableName): readonly string[] {
  return TABLES[table].columns;
}

/** Columns that are INTEGER PRIMARY KEY: stored as the rowid, NULL in the record. */
const ROWID_ALIAS: Partial<Record<TableName, string>> = { outbox: 'seq', status_updates: 'id', audit_log: 'seq' };

export interface TableCounts {
  /** Distinct rows read from the damaged file (after validation). */
  found: number;
  inserted: number;
  /** Already in the current database (same id): left as they are. */
  alreadyPresent: number;
  /** Could not go in without breaking a rule of the current database (e.g. that call already has a live transfer). */
  conflicting: number;
}

export interface RecoverReport {
  source: string;
  sourceSha256: string;
  /** Whether SQLite could read the whole file, part of it, or nothing. */
  sqlite: 'whole' | 'partial' | 'unreadable';
  /** Table pages read from the raw bytes, and committed -wal frames among them. */
  rawPages: number;
  walFrames: number;
  /** Rows that were found but held values no Fenliu row can have (garbled): not written. */
  invalidRows: number;
  calls: TableCounts;
  transfers: TableCounts;
  /** Outbox rows for salvaged transfers that were still to be sent (the upstream stores each id once). */
  outbox: TableCounts;
  statusUpdates: TableCounts;
  inbox: TableCounts;
  notes: string[];
}

export class RecoverError extends Error {}

export interface RecoverOptions {
  actor: string | null;
  nowMs?: number;
}

interface Candidate<R> {
  row: R;
  /** Higher is newer: SQLite's own reading is the newest; then later -wal frames; then the main file. */
  generation: number;
}

const SQLITE_GENERATION = Number.MAX_SAFE_INTEGER;

export function recoverDatabase(target: Db, sourceFile: string, options: RecoverOptions): RecoverReport {
  if (!existsSync(sourceFile)) throw new RecoverError(`${sourceFile}: no such file`);
  const main = readFileSync(sourceFile);
  const wal = existsSync(`${sourceFile}-wal`) ? readFileSync(`${sourceFile}-wal`) : null;
  const notes: string[] = [];
  const found = new Map<TableName, Candidate<Record<string, unknown>>[]>();
  const add = (table: TableName, row: Record<string, unknown>, generation: number) => {
    const list = found.get(table) ?? [];
    list.push({ row, generation });
    found.set(table, list);
  };

  const raw = scanRawRecords(main, wal);
  notes.push(...raw.notes);
  for (const record of raw.records) {
    const table = tableOfRecord(record);
    if (table) add(table, rowFromRecord(table, record), record.generation);
  }
  const sqlite = readThroughSqlite(main, wal, (table, row) => add(table, row, SQLITE_GENERATION), notes);

  let invalidRows = 0;
  const valid = <T extends TableName>(table: T): Candidate<RowOf<T>>[] => {
    const out: Candidate<RowOf<T>>[] = [];
    for (const c of found.get(table) ?? []) {
      const parsed = TABLES[table].schema.safeParse(c.row);
      if (parsed.success) out.push({ row: parsed.data as RowOf<T>, generation: c.generation });
      else invalidRows += 1;
    }
    return out;
  };

  const audit = newest(valid('audit_log'), (r) => String(r.seq), () => 0);
  const undone = undoEvidence(audit);
  const calls = newest(valid('calls'), (r) => r.id, (a, b) => (a.disposition_at ?? '').localeCompare(b.disposition_at ?? ''));
  const transfers = newest(valid('transfers'), (r) => r.id, compareTransfers);
  for (const row of transfers.values()) {
    const undo = undone.get(row.id);
    if (row.status === 'pending' && undo) Object.assign(row, { status: 'cancelled', status_at: undo.at, status_by: undo.actor });
  }
  const outbox = newest(valid('outbox'), (r) => r.transfer_id, () => 0);
  const updates = newest(valid('status_updates'), (r) => `${r.transfer_id}\u0000${r.status}\u0000${r.at}`, () => 0);
  const inbox = newest(valid('inbox'), (r) => r.id, (a, b) => Number(a.acknowledged_at !== null) - Number(b.acknowledged_at !== null));

  const report: RecoverReport = {
    source: sourceFile,
    sourceSha256: createHash('sha256').update(main).digest('hex'),
    sqlite,
    rawPages: raw.leafPages,
    walFrames: raw.walFrames,
    invalidRows,
    calls: counts(calls.size),
    transfers: counts(transfers.size),
    outbox: counts(0),
    statusUpdates: counts(updates.size),
    inbox: counts(inbox.size),
    notes,
  };
  const nowMs = options.nowMs ?? Date.now();
  target.transaction(() => {
    writeCalls(target, calls, report.calls);
    writeTransfers(target, transfers, calls, outbox, report);
    writeStatusUpdates(target, updates, report.statusUpdates);
    writeInbox(target, inbox, report.inbox);
    appendAudit(target, {
      kind: 'store.recover',
      subjectId: null,
      actor: options.actor,
      atMs: nowMs,
      detail: {
        source: basename(sourceFile),
        sourceSha256: report.sourceSha256,
        at: toRfc3339(nowMs),
        calls: report.calls,
        transfers: report.transfers,
        outbox: report.outbox,
        statusUpdates: report.statusUpdates,
        inbox: report.inbox,
        invalidRows,
      },
    });
  }).immediate();
  return report;
}

function counts(found: number): TableCounts {
  return { found, inserted: 0, alreadyPresent: 0, conflicting: 0 };
}

/** Classifies a raw record by its shape; the zod schema then decides whether it really is one. */
function tableOfRecord(record: RawRecord): TableName | null {
  const n = record.values.length;
  const first = record.values[0];
  for (const [name, spec] of Object.entries(TABLES) as [TableName, (typeof TABLES)[TableName]][]) {
    if (spec.columns.length !== n) continue;
    const alias = ROWID_ALIAS[name] !== undefined;
    if (alias ? first === null : typeof first === 'string') return name;
  }
  return null;
}

function rowFromRecord(table: TableName, record: RawRecord): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  TABLES[table].columns.forEach((column, i) => {
    row[column] = plain(record.values[i] ?? null);
  });
  const alias = ROWID_ALIAS[table];
  if (alias) row[alias] = record.rowid;
  return row;
}

function plain(value: SqlValue | unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

/** Per key, the newest candidate (highest generation; then `compare` breaks the tie, larger wins). */
function newest<R>(candidates: Candidate<R>[], key: (row: R) => string, compare: (a: R, b: R) => number): Map<string, R> {
  const best = new Map<string, Candidate<R>>();
  for (const c of candidates) {
    const k = key(c.row);
    const held = best.get(k);
    if (!held || c.generation > held.generation || (c.generation === held.generation && compare(c.row, held.row) > 0)) best.set(k, c);
  }
  return new Map([...best].map(([k, c]) => [k, c.row]));
}

const STATUS_RANK: Record<string, number> = {
  pending: 0, queued: 1, sent: 2, received: 3, accepted: 4, resolved: 5, returned: 5, rejected: 5, cancelled: 5,
};

function compareTransfers(a: TransferRow, b: TransferRow): number {
  return STATUS_RANK[a.status]! - STATUS_RANK[b.status]! || a.status_at.localeCompare(b.status_at);
}

/** Transfers the old audit log says were undone: an older page may still show them pending. */
function undoEvidence(audit: Map<string, AuditRow>): Map<string, { at: string; actor: string | null }> {
  const out = new Map<string, { at: string; actor: string | null }>();
  for (const row of audit.values()) if (row.kind === 'transfer.undo' && row.subject_id) out.set(row.subject_id, { at: row.at, actor: row.actor });
  return out;
}

/**
 * Opens a private copy (SQLite may write to a WAL database while reading it) and reads each table in rowid order
 * from both ends, so a damaged page in the middle costs only the rows SQLite cannot reach past it.
 */
function readThroughSqlite(main: Buffer, wal: Buffer | null, add: (table: TableName, row: Record<string, unknown>) => void, notes: string[]): RecoverReport['sqlite'] {
  const dir = mkdtempSync(join(tmpdir(), 'fenliu-recover-'));
  let db: Database.Database | undefined;
  let whole = true;
  let any = false;
  try {
    const copy = join(dir, 'damaged.db');
    writeFileSync(copy, main);
    if (wal) writeFileSync(`${copy}-wal`, wal);
    try {
      db = new Database(copy);
      db.pragma('cell_size_check = ON');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > LATEST_SCHEMA_VERSION) throw new RecoverError(`the damaged database was written by a newer Fenliu (schema ${version}); recover it with that version`);
    } catch (error) {
      if (error instanceof RecoverError) throw error;
      notes.push(`SQLite cannot open the file (${(error as { code?: string }).code ?? (error as Error).message}); only the raw pages were read`);
      return 'unreadable';
    }
    for (const table of Object.keys(TABLES) as TableName[]) {
      const result = scanTable(db, table, add);
      if (result.rows > 0) any = true;
      if (result.problem) {
        whole = false;
        notes.push(`${table}: SQLite stopped at damage (${result.problem}); the rest came from the raw pages`);
      }
    }
  } finally {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return whole ? 'whole' : any ? 'partial' : 'unreadable';
}

function scanTable(db: Database.Database, table: TableName, add: (table: TableName, row: Record<string, unknown>) => void): { rows: number; problem: string | null } {
  let forward: Database.Statement;
  let backward: Database.Statement;
  try {
    // Table names come from the fixed TABLES list above (identifiers cannot be bound parameters).
    forward = db.prepare(`SELECT rowid AS rowid_, * FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT 100`);
    backward = db.prepare(`SELECT rowid AS rowid_, * FROM ${table} WHERE rowid < ? ORDER BY rowid DESC LIMIT 100`);
  } catch (error) {
    return { rows: 0, problem: (error as { code?: string }).code ?? (error as Error).message };
  }
  let rows = 0;
  const take = (batch: Record<string, unknown>[]) => {
    for (const r of batch) {
      const { rowid_: _rowid, ...row } = r;
      add(table, row);
      rows += 1;
    }
  };
  let low = Number.MIN_SAFE_INTEGER;
  try {
    for (;;) {
      const batch = forward.all(low) as Record<string, unknown>[];
      if (batch.length === 0) return { rows, problem: null };
      take(batch);
      low = batch[batch.length - 1]!.rowid_ as number;
    }
  } catch (error) {
    const problem = (error as { code?: string }).code ?? (error as Error).message;
    let high = Number.MAX_SAFE_INTEGER;
    try {
      for (;;) {
        const batch = backward.all(high) as Record<string, unknown>[];
        if (batch.length === 0) break;
        take(batch);
        high = batch[batch.length - 1]!.rowid_ as number;
        if (high <= low) break;
      }
    } catch {
      // Damage reached from this end too; the raw pages cover the middle.
    }
    return { rows, problem };
  }
}

function writeCalls(db: Db, calls: Map<string, CallRow>, c: TableCounts): void {
  const insert = db.prepare(
    `INSERT INTO calls (id, started_at, caller_number, note, classification, disposition, disposition_at)
     VALUES (@id, @started_at, @caller_number, @note, @classification, @disposition, @disposition_at)
     ON CONFLICT(id) DO NOTHING`,
  );
  for (const row of calls.values()) {
    if (insert.run(row).changes > 0) c.inserted += 1;
    else c.alreadyPresent += 1;
  }
}

function writeTransfers(db: Db, transfers: Map<string, TransferRow>, calls: Map<string, CallRow>, outbox: Map<string, OutboxRow>, report: RecoverReport): void {
  const exists = db.prepare('SELECT 1 FROM transfers WHERE id = ?').pluck();
  const callExists = db.prepare('SELECT 1 FROM calls WHERE id = ?').pluck();
  const insertCall = db.prepare(
    `INSERT INTO calls (id, started_at, caller_number, note, classification, disposition, disposition_at)
     VALUES (@id, @started_at, @caller_number, @note, NULL, @disposition, @disposition_at)`,
  );
  const repository = new TransferRepository(db);
  const enqueue = db.prepare(
    'INSERT INTO outbox (transfer_id, not_before_ms, attempts, last_error) VALUES (?, ?, ?, ?) ON CONFLICT(transfer_id) DO NOTHING',
  );
  const t = report.transfers;
  let rebuiltCalls = 0;
  // Sorted by time so the outbox keeps the order the call-taker made them in.
  for (const row of [...transfers.values()].sort((a, b) => a.transferred_ms - b.transferred_ms)) {
    if (exists.get(row.id)) {
      t.alreadyPresent += 1;
      continue;
    }
    if (!callExists.get(row.call_id)) {
      // The call row was lost but the transfer carries what the call needs.
      insertCall.run({
        id: row.call_id,
        started_at: row.call_started_at,
        caller_number: row.caller_number,
        note: row.note,
        disposition: row.status === 'cancelled' ? null : 'transferred',
        disposition_at: row.status === 'cancelled' ? null : row.transferred_at,
      });
      rebuiltCalls += 1;
    }
    try {
      repository.insert(row);
    } catch (error) {
      if (!String((error as { code?: string }).code).startsWith('SQLITE_CONSTRAINT')) throw error;
      t.conflicting += 1;
      continue;
    }
    t.inserted += 1;
    // Still to be sent: give it an outbox row (the salvaged one's attempts if it was found). Sending twice is
    // harmless, the upstream stores each id once; not sending would lose the transfer.
    if (row.status === 'pending' || row.status === 'queued') {
      const salvaged = outbox.get(row.id);
      report.outbox.found += salvaged ? 1 : 0;
      if (enqueue.run(row.id, salvaged?.not_before_ms ?? row.hold_until_ms, salvaged?.attempts ?? 0, salvaged?.last_error ?? null).changes > 0) {
        report.outbox.inserted += 1;
      } else report.outbox.alreadyPresent += 1;
    }
  }
  if (rebuiltCalls > 0) report.notes.push(`${rebuiltCalls} call(s) whose own row was lost were rebuilt from their transfers`);
  const orphans = [...outbox.keys()].filter((id) => !transfers.has(id)).length;
  if (orphans > 0) report.notes.push(`${orphans} outbox row(s) were found without their transfer; they cannot be sent`);
}

function writeStatusUpdates(db: Db, updates: Map<string, StatusUpdateRow>, c: TableCounts): void {
  const insert = db.prepare(
    `INSERT INTO status_updates (transfer_id, status, at, by, due_at, comment, received_at, known)
     VALUES (@transfer_id, @status, @at, @by, @due_at, @comment, @received_at, @known)
     ON CONFLICT(transfer_id, status, at) DO NOTHING`,
  );
  for (const row of updates.values()) {
    if (insert.run(row).changes > 0) c.inserted += 1;
    else c.alreadyPresent += 1;
  }
}

function writeInbox(db: Db, inbox: Map<string, InboxRow>, c: TableCounts): void {
  const insert = db.prepare(
    `INSERT INTO inbox (id, source, received_at, caller_number, summary, category, stored_at, acknowledged_at, acknowledged_by)
     VALUES (@id, @source, @received_at, @caller_number, @summary, @category, @stored_at, @acknowledged_at, @acknowledged_by)
     ON CONFLICT(id) DO NOTHING`,
  );
  for (const row of inbox.values()) {
    if (insert.run(row).changes > 0) c.inserted += 1;
    else c.alreadyPresent += 1;
  }
}
