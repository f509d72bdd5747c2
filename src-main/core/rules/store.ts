// Installed rules packs in the desk's SQLite store, with history. Import and rollback are one transaction each
// (the audit row included): the new pack is wholly active, or the old one stays.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../store/database';
import { appendAudit } from '../store/audit';
import { toRfc3339 } from '../store/time';
import { compileClassifier } from './classifier';
import { compareVersions, PackError, parsePack, type RulesPack } from './pack';
import { canonicalPackBytes, verifyPack, type TrustedKey } from './signature';

export const DEFAULT_PACK_FILE = 'default-pack.json';

/** A pack refused on purpose (version not newer, nothing to roll back to, …); the message says why. */
export class RulesRefused extends Error {}

export interface InstalledPack {
  rowId: number;
  packId: string;
  version: string;
  signer: string | null;
  sha256: string;
  installedAt: string;
  source: string;
  active: boolean;
  /** Row that was active when this one was installed (what a rollback returns to). */
  replaces: number | null;
  rolledBackAt: string | null;
}

export interface RulesInfo {
  packId: string;
  name: string;
  version: string;
  signer: string | null;
  sha256: string;
  installedAt: string;
  source: string;
  counts: { targets: number; categories: number; rules: number; redFlags: number; context: number };
}

export interface ImportOptions {
  trustedKeys: readonly TrustedKey[];
  allowUnsigned?: boolean;
  /** Where the pack came from, e.g. "cli:/path/pack.json" or "upstream"; kept in history and audit. */
  source: string;
  actor?: string | null;
}

interface Row {
  id: number;
  pack_id: string;
  version: string;
  signer: string | null;
  sha256: string;
  pack_json: string;
  installed_at: string;
  source: string;
  active: number;
  replaces: number | null;
  rolled_back_at: string | null;
}

function toInstalled(row: Row): InstalledPack {
  return {
    rowId: row.id,
    packId: row.pack_id,
    version: row.version,
    signer: row.signer,
    sha256: row.sha256,
    installedAt: row.installed_at,
    source: row.source,
    active: row.active === 1,
    replaces: row.replaces,
    rolledBackAt: row.rolled_back_at,
  };
}

/** SHA-256 of the canonical content (signature excluded): the same rules give the same hash however signed. */
export function packSha256(pack: object): string {
  return createHash('sha256').update(canonicalPackBytes(pack)).digest('hex');
}

export function describePack(pack: RulesPack, row: Pick<Row, 'signer' | 'sha256' | 'installed_at' | 'source'>): RulesInfo {
  return {
    packId: pack.id,
    name: pack.name,
    version: pack.version,
    signer: row.signer,
    sha256: row.sha256,
    installedAt: row.installed_at,
    source: row.source,
    counts: {
      targets: pack.targets.length,
      categories: pack.categories.length,
      rules: pack.rules.length,
      redFlags: pack.redFlags.length,
      context: pack.context.length,
    },
  };
}

function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new PackError(`${where}: not valid JSON (${(error as Error).message})`);
  }
}

export class RulesStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  private activeRow(): Row | undefined {
    return this.db.prepare('SELECT * FROM rules_packs WHERE active = 1').get() as Row | undefined;
  }

  /** The active pack, parsed; null before any pack was installed. */
  active(): { installed: InstalledPack; pack: RulesPack } | null {
    const row = this.activeRow();
    if (!row) return null;
    return { installed: toInstalled(row), pack: parsePack(JSON.parse(row.pack_json), `installed pack #${row.id}`) };
  }

  info(): RulesInfo | null {
    const row = this.activeRow();
    if (!row) return null;
    return describePack(parsePack(JSON.parse(row.pack_json), `installed pack #${row.id}`), row);
  }

  /** Every installed pack, newest first. */
  history(): InstalledPack[] {
    return (this.db.prepare('SELECT * FROM rules_packs ORDER BY id DESC').all() as Row[]).map(toInstalled);
  }

  /**
   * Verifies and installs a pack (JSON text or parsed JSON) as the active one. Throws PackError (not a pack,
   * inconsistent), SignatureError (unsigned, unknown signer, altered) or RulesRefused (version not newer).
   */
  import(packJson: string | unknown, options: ImportOptions): RulesInfo {
    const raw = typeof packJson === 'string' ? parseJsonText(packJson, options.source) : packJson;
    const pack = parsePack(raw, options.source);
    const { signer } = verifyPack(pack, options.trustedKeys, { allowUnsigned: options.allowUnsigned });
    compileClassifier(pack); // a pack that cannot be compiled must never become active
    return this.install(raw as object, pack, signer, options.source, options.actor ?? null, (active) => {
      if (active && compareVersions(pack.version, active.version) <= 0) {
        throw new RulesRefused(
          `${options.source}: version ${pack.version} is not newer than the active pack's ${active.version} ` +
            `(${active.pack_id}); raise "version" to import it`,
        );
      }
    });
  }

  private install(
    raw: object,
    pack: RulesPack,
    signer: string | null,
    source: string,
    actor: string | null,
    check: (active: Row | undefined) => void,
  ): RulesInfo {
    const sha256 = packSha256(raw);
    const installedAt = toRfc3339(this.now());
    const json = `${JSON.stringify(raw, null, 2)}\n`;
    return this.db
      .transaction(() => {
        const active = this.activeRow();
        check(active);
        if (active) this.db.prepare('UPDATE rules_packs SET active = 0 WHERE id = ?').run(active.id);
        const { lastInsertRowid } = this.db
          .prepare(
            `INSERT INTO rules_packs (pack_id, version, signer, sha256, pack_json, installed_at, source, active, replaces)
             VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)`,
          )
          .run(pack.id, pack.version, signer, sha256, json, installedAt, source, active?.id ?? null);
        appendAudit(this.db, {
          kind: 'rules.import',
          subjectId: `${pack.id}@${pack.version}`,
          actor,
          atMs: this.now(),
          detail: {
            packId: pack.id,
            version: pack.version,
            signer,
            sha256,
            source,
            row: Number(lastInsertRowid),
            replaced: active ? { packId: active.pack_id, version: active.version, row: active.id } : null,
          },
        });
        return describePack(pack, { signer, sha256, installed_at: installedAt, source });
      })
      .immediate();
  }

  /** Writes the active pack (signature included) to `file`, atomically. */
  export(file: string): RulesInfo {
    const row = this.activeRow();
    if (!row) throw new RulesRefused('no rules pack is installed');
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, row.pack_json, 'utf8');
    renameSync(temp, file);
    return describePack(parsePack(JSON.parse(row.pack_json), `installed pack #${row.id}`), row);
  }

  /** Makes the pack that the active one replaced active again. */
  rollback(actor: string | null = null): RulesInfo {
    return this.db
      .transaction(() => {
        const active = this.activeRow();
        if (!active) throw new RulesRefused('no rules pack is installed');
        if (active.replaces === null) {
          throw new RulesRefused(`nothing to roll back to: ${active.pack_id} ${active.version} is the first installed pack`);
        }
        const previous = this.db.prepare('SELECT * FROM rules_packs WHERE id = ?').get(active.replaces) as Row;
        const at = toRfc3339(this.now());
        this.db.prepare('UPDATE rules_packs SET active = 0, rolled_back_at = ? WHERE id = ?').run(at, active.id);
        this.db.prepare('UPDATE rules_packs SET active = 1 WHERE id = ?').run(previous.id);
        appendAudit(this.db, {
          kind: 'rules.rollback',
          subjectId: `${previous.pack_id}@${previous.version}`,
          actor,
          atMs: this.now(),
          detail: {
            from: { packId: active.pack_id, version: active.version, row: active.id },
            to: { packId: previous.pack_id, version: previous.version, row: previous.id },
          },
        });
        return describePack(parsePack(JSON.parse(previous.pack_json), `installed pack #${previous.id}`), previous);
      })
      .immediate();
  }

  /**
   * Installs the pack shipped with the application (`dir`/default-pack.json) on first start, and a newer
   * shipped one when the default is still the active pack. It is part of the installed application, trusted
   * like its code, so it needs no signature. A county's own pack is never replaced by it.
   */
  ensureDefault(dir: string): RulesInfo {
    const file = join(dir, DEFAULT_PACK_FILE);
    const active = this.activeRow();
    if (active && active.source !== 'default') return this.info()!;
    if (!existsSync(file)) {
      if (active) return this.info()!;
      throw new PackError(`${file}: the default rules pack is missing from the installation`);
    }
    const raw = parseJsonText(readFileSync(file, 'utf8'), file);
    const pack = parsePack(raw, file);
    if (active && compareVersions(pack.version, active.version) <= 0) return this.info()!;
    compileClassifier(pack);
    try {
      // Not verified, so no signer is claimed even if the shipped file carries a signature.
      return this.install(raw as object, pack, null, 'default', null, (current) => {
        if (current && (current.source !== 'default' || compareVersions(pack.version, current.version) <= 0)) {
          throw new RulesRefused('another process installed a pack meanwhile');
        }
      });
    } catch (error) {
      if (error instanceof RulesRefused) return this.info()!;
      throw error;
    }
  }
}
