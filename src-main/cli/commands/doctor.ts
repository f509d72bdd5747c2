// `fenliu doctor [--json] [--full] [--bundle FILE.zip]`: is this desk healthy? Data dir, configuration, database
// integrity and schema version, audit chain, rules, HID backend, upstream reachability. Exit 1 when a check fails.
// `--bundle` writes a zip for support: the checks, versions, logs, the configuration with secrets removed, database
// facts (never its content: the notes are callers' words) and the HID device list.
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import { join, resolve } from 'node:path';
import { createWriteStream } from 'node:fs';
import yazl from 'yazl';
import type { Command, CliContext } from '../command';
import { UsageError } from '../command';
import { ConfigError, configSources } from '../../core/config/load';
import { databasePath } from '../../core/config/paths';
import type { DeskConfig } from '../../core/config/schema';
import { HidUnavailableError, parseEnumeration, type HidBackend, type HidDeviceInfo } from '../../core/keys/hid/backend';
import { createNodeHidBackend } from '../../core/keys/hid/node-hid-backend';
import { logsDir } from '../../core/logging';
import { verifyAudit } from '../../core/store/audit';
import { openDatabase, schemaVersion, type Db } from '../../core/store/database';
import { LATEST_SCHEMA_VERSION } from '../../core/store/migrations';
import { UpstreamClient } from '../../core/sync/client';
import { Redactor } from '../../core/sync/redact';
import { tlsConnectOptions } from '../../core/sync/tls';
import { createHttpTransport } from '../../core/sync/transport';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skipped';

export interface CheckResult {
  name: 'data-dir' | 'config' | 'database' | 'schema' | 'audit' | 'rules' | 'hid' | 'upstream';
  status: CheckStatus;
  detail: string;
}

export interface DoctorReport {
  ok: boolean;
  dataDir: string;
  checks: CheckResult[];
}

export interface DoctorDeps {
  hid: () => HidBackend;
  /** GET {url}/v1/health with the desk's credentials: 'ok' or why not. */
  health: (upstream: DeskConfig['upstream'], deskId: string) => Promise<{ ok: true } | { ok: false; message: string }>;
  /** The HID library's own version, for the bundle. */
  hidVersion: () => Promise<string | null>;
}

const HEALTH_TIMEOUT_MS = 5_000;

async function upstreamHealth(upstream: DeskConfig['upstream'], deskId: string, timeoutMs = HEALTH_TIMEOUT_MS) {
  const transport = createHttpTransport({ timeoutMs, tls: tlsConnectOptions(upstream) });
  try {
    const client = new UpstreamClient({
      transport,
      baseUrl: upstream.url!,
      token: upstream.token ?? '',
      deskId,
      timeoutMs,
      now: Date.now,
      redact: new Redactor([upstream.token, upstream.clientCert?.passphrase]),
    });
    const answer = await client.health();
    if (answer.kind === 'ok') return { ok: true as const };
    return { ok: false as const, message: 'message' in answer ? answer.message : answer.kind };
  } finally {
    await transport.close();
  }
}

export const DEFAULT_DOCTOR_DEPS: DoctorDeps = {
  hid: createNodeHidBackend,
  health: (upstream, deskId) => upstreamHealth(upstream, deskId, Math.min(upstream.timeoutMs, HEALTH_TIMEOUT_MS)),
  hidVersion: async () => {
    const hid = (await import('node-hid')) as typeof import('node-hid') & { default?: typeof import('node-hid') };
    return (hid.default ?? hid).getHidapiVersion();
  },
};

/** Table row counts (no content), for the bundle. */
function tableCounts(db: Db): Record<string, number> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
  return Object.fromEntries(tables.map(({ name }) => [name, (db.prepare(`SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}"`).get() as { n: number }).n]));
}

interface Gathered {
  report: DoctorReport;
  config: DeskConfig | null;
  devices: HidDeviceInfo[];
  database: { integrity: string[] | null; schemaVersion: number | null; tables: Record<string, number> | null; sqlite: string | null };
  hidapi: string | null;
}

async function gather(ctx: CliContext, deps: DoctorDeps, full: boolean): Promise<Gathered> {
  const checks: CheckResult[] = [];
  const add = (name: CheckResult['name'], status: CheckStatus, detail: string) => checks.push({ name, status, detail });
  const database: Gathered['database'] = { integrity: null, schemaVersion: null, tables: null, sqlite: null };

  // Data dir: a fresh desk has none until its first start, which is not a fault.
  if (!existsSync(ctx.dataDir)) add('data-dir', 'warn', `${ctx.dataDir} does not exist yet (created at the first start)`);
  else {
    try {
      accessSync(ctx.dataDir, constants.R_OK | constants.W_OK);
      add('data-dir', 'ok', `${ctx.dataDir} (writable)`);
    } catch (error) {
      add('data-dir', 'fail', `${ctx.dataDir} is not writable (${(error as NodeJS.ErrnoException).code}): transfers cannot be stored`);
    }
  }

  let config: DeskConfig | null = null;
  try {
    config = ctx.config;
    const sources = configSources(ctx.dataDir, ctx.values.config as string | undefined);
    const found = [sources.machineFile, sources.userFile].filter((f) => existsSync(f));
    add('config', 'ok', found.length ? `valid: ${found.join(' + ')}` : 'no config file: defaults');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    add('config', 'fail', error.message);
  }

  const file = databasePath(ctx.dataDir);
  let dbOk = false;
  if (!existsSync(file)) {
    add('database', 'warn', `${file} does not exist yet (created at the first start)`);
    add('schema', 'skipped', 'no database');
    add('audit', 'skipped', 'no database');
  } else {
    let db: Db | null = null;
    try {
      db = openDatabase(file, { readonly: true });
      database.sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
      const rows = db.pragma(full ? 'integrity_check' : 'quick_check') as Record<string, string>[];
      const problems = rows.map((r) => String(Object.values(r)[0]).replace(/\s+/g, ' ').trim()).filter((v) => v !== 'ok');
      database.integrity = problems.length ? problems : ['ok'];
      dbOk = problems.length === 0;
      add('database', dbOk ? 'ok' : 'fail', dbOk ? `${file}: ${full ? 'integrity_check' : 'quick_check'} ok` : `${file}: ${problems.slice(0, 3).join('; ')}`);
      const version = schemaVersion(db);
      database.schemaVersion = version;
      if (version === LATEST_SCHEMA_VERSION) add('schema', 'ok', `version ${version}`);
      else if (version < LATEST_SCHEMA_VERSION) add('schema', 'warn', `version ${version}; upgraded to ${LATEST_SCHEMA_VERSION} at the next start`);
      else add('schema', 'fail', `version ${version} is newer than this Fenliu knows (${LATEST_SCHEMA_VERSION})`);
      if (dbOk) {
        database.tables = tableCounts(db);
        const audit = verifyAudit(db);
        add('audit', audit.ok ? 'ok' : 'fail', audit.ok ? `${audit.rows} rows, chain intact` : `broken at row ${audit.badSeq}: ${audit.problem}`);
      } else add('audit', 'skipped', 'database damaged');
    } catch (error) {
      // A file that is not a database, or one written by a newer Fenliu (DatabaseTooNewError).
      add('database', 'fail', (error as Error).message);
      if (!checks.some((c) => c.name === 'schema')) add('schema', 'skipped', 'database unreadable');
      if (!checks.some((c) => c.name === 'audit')) add('audit', 'skipped', 'database unreadable');
    } finally {
      db?.close();
    }
  }

  // Rules: what the desk would classify with; opening the desk also installs the default pack on a fresh database.
  if (dbOk && config) {
    try {
      const info = (await ctx.openDesk()).rules.info();
      add('rules', 'ok', `version ${info.version}${info.signer ? `, signed by ${info.signer}` : ''}, ${info.counts.rules} rules, ${info.counts.redFlags} red flags`);
    } catch (error) {
      add('rules', 'fail', (error as Error).message);
    }
  } else add('rules', 'skipped', dbOk ? 'configuration invalid' : 'no usable database');

  let devices: HidDeviceInfo[] = [];
  let hidapi: string | null = null;
  try {
    const backend = deps.hid();
    devices = parseEnumeration(await backend.devices()).devices;
    hidapi = await deps.hidVersion().catch(() => null);
    const vendors = new Set(devices.map((d) => `${d.vendorId.toString(16).padStart(4, '0')}:${d.productId.toString(16).padStart(4, '0')}`));
    add('hid', 'ok', `node-hid loaded; ${vendors.size} HID device(s)`);
  } catch (error) {
    add('hid', 'fail', error instanceof HidUnavailableError ? `${error.message} — ${error.hint}` : (error as Error).message);
  }

  if (!config) add('upstream', 'skipped', 'configuration invalid');
  else if (!config.upstream.url) add('upstream', 'skipped', 'no upstream.url configured: the desk works offline');
  else {
    try {
      const answer = await deps.health(config.upstream, config.desk.id);
      add('upstream', answer.ok ? 'ok' : 'fail', answer.ok ? `${config.upstream.url}/v1/health ok` : `${config.upstream.url}: ${answer.message}`);
    } catch (error) {
      add('upstream', 'fail', `${config.upstream.url}: ${(error as Error).message}`);
    }
  }

  return { report: { ok: !checks.some((c) => c.status === 'fail'), dataDir: ctx.dataDir, checks }, config, devices, database, hidapi };
}

const SECRET_KEY = /^(token|passphrase|password|secret)$/i;

/** A copy of a configuration object with every secret value replaced (whether it was set stays visible). */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) && v !== undefined ? '[removed]' : withoutSecrets(v)]));
}

function configFileForBundle(file: string): string {
  if (!existsSync(file)) return JSON.stringify({ file, present: false }, null, 2);
  try {
    const json: unknown = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
    return JSON.stringify({ file, present: true, content: withoutSecrets(json) }, null, 2);
  } catch (error) {
    // Not parseable: its raw text could hold a token, so only the fact goes in.
    return JSON.stringify({ file, present: true, unreadable: (error as Error).message.split('\n')[0] }, null, 2);
  }
}

function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

async function writeBundle(target: string, ctx: CliContext, gathered: Gathered): Promise<string[]> {
  const zip = new yazl.ZipFile();
  const entries: string[] = [];
  const add = (name: string, text: string) => {
    zip.addBuffer(Buffer.from(text, 'utf8'), name);
    entries.push(name);
  };
  const redact = new Redactor([gathered.config?.upstream.token, gathered.config?.upstream.clientCert?.passphrase]);
  add('doctor.json', JSON.stringify(gathered.report, null, 2));
  add(
    'versions.json',
    JSON.stringify(
      { fenliu: appVersion(), node: process.versions.node, electron: process.versions.electron ?? null, sqlite: gathered.database.sqlite, hidapi: gathered.hidapi, platform: platform(), release: release(), arch: arch() },
      null,
      2,
    ),
  );
  const sources = configSources(ctx.dataDir, ctx.values.config as string | undefined);
  add('config/machine.json', configFileForBundle(sources.machineFile));
  add('config/user.json', configFileForBundle(sources.userFile));
  if (gathered.config) add('config/effective.json', JSON.stringify(withoutSecrets(gathered.config), null, 2));
  add('database.json', JSON.stringify({ file: databasePath(ctx.dataDir), ...gathered.database }, null, 2));
  add('devices.json', JSON.stringify(gathered.devices, null, 2));
  const logs = logsDir(ctx.dataDir);
  if (existsSync(logs)) {
    for (const name of readdirSync(logs).sort()) {
      const file = join(logs, name);
      if (!statSync(file).isFile()) continue;
      add(`logs/${name}`, redact.text(readFileSync(file, 'utf8')));
    }
  }
  await new Promise<void>((done, fail) => {
    const out = createWriteStream(target);
    out.on('close', done);
    out.on('error', fail);
    zip.outputStream.on('error', fail).pipe(out);
    zip.end();
  });
  return entries;
}

const MARK: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skipped: '-   ' };

export function createDoctorCommand(deps: DoctorDeps = DEFAULT_DOCTOR_DEPS): Command {
  return {
    name: 'doctor',
    summary: 'check this desk: data dir, config, database, rules, HID, upstream (--bundle FILE.zip for support)',
    usage: 'fenliu doctor [--json] [--full] [--bundle FILE.zip]',
    options: { bundle: { type: 'string' }, full: { type: 'boolean', default: false } },
    async run(ctx) {
      const bundle = ctx.values.bundle as string | undefined;
      if (bundle !== undefined && !bundle.toLowerCase().endsWith('.zip')) throw new UsageError(`--bundle: "${bundle}" must name a .zip file`);
      const gathered = await gather(ctx, deps, ctx.values.full === true || bundle !== undefined);
      let written: string[] | null = null;
      if (bundle !== undefined) {
        try {
          written = await writeBundle(resolve(bundle), ctx, gathered);
        } catch (error) {
          throw new UsageError(`--bundle: cannot write ${bundle} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
        }
      }
      const { report } = gathered;
      if (ctx.json) ctx.out(JSON.stringify({ ...report, ...(written ? { bundle: { file: resolve(bundle!), entries: written } } : {}) }));
      else {
        for (const c of report.checks) ctx.out(`${MARK[c.status]}  ${c.name.padEnd(9)} ${c.detail}`);
        if (written) ctx.out(`support bundle: ${resolve(bundle!)} (${written.length} files)`);
        ctx.out(report.ok ? 'desk ok' : 'desk NOT ok: see FAIL above');
      }
      return report.ok ? 0 : 1;
    },
  };
}

export const command: Command = createDoctorCommand();
