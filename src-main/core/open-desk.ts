// Composition root of the core: opens the database, installs the default rules on first start, compiles
// the classifier and builds the Desk. Long-running adapters (browser desk, Electron) ask for the transfer-key
// reader and the background sync with `services`; one-shot CLI commands do not.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { DeskConfig } from './config/schema';
import { updateUserConfig } from './config/load';
import { databasePath } from './config/paths';
import { openDeskDatabase, sealReadOnly, type StartupNotice } from './store/health';
import { Desk, type DeskDeps } from './desk';
import { createRulesProvider } from './rules/provider';
import { packSha256 } from './rules/store';
import { createKeyService, deskKeyService } from './desk-services';
import { createSyncEngine } from './sync';
import type { Clock, HidBackend, KeyLogger } from './keys';

export interface OpenDeskOptions {
  dataDir: string;
  config: DeskConfig;
  /** The per-user config file that settings changed on the desk are written to. */
  configFile: string;
  /** Folder holding rules/default-pack.json; the packaged app passes its resources folder. */
  assetsDir?: string;
  now?: () => number;
  log?: DeskDeps['log'] & Partial<KeyLogger>;
  services?: {
    /** Read the transfer key: node-hid by default; `backend` replaces it (tests: recorded reports). */
    keys?: { backend?: HidBackend | null; clock?: Clock };
    /** Sync with the upstream in the background when one is configured. */
    sync?: boolean;
  };
}

export function defaultAssetsDir(): string {
  return process.env.FENLIU_ASSETS_DIR ?? fileURLToPath(new URL('../../assets', import.meta.url));
}

const startupNotices = new WeakMap<Desk, StartupNotice>();

/** What went wrong with the database at start (damaged and moved aside, data dir unwritable); null normally. */
export function startupNoticeOf(desk: Desk): StartupNotice | null {
  return startupNotices.get(desk) ?? null;
}

export async function openDesk(options: OpenDeskOptions): Promise<Desk> {
  const opened = openDeskDatabase(databasePath(options.dataDir), { now: options.now, log: options.log });
  const { db } = opened;
  try {
    const rules = createRulesProvider(db, options.config, join(options.assetsDir ?? defaultAssetsDir(), 'rules'));
    sealReadOnly(opened);
    const desk = new Desk({
      db,
      config: options.config,
      rules,
      now: options.now,
      log: options.log,
      saveUserSetting: (patch) => updateUserConfig(options.configFile, patch),
      startupNotice: opened.notice,
    });
    if (opened.notice) startupNotices.set(desk, opened.notice);
    if (options.services?.sync && options.config.upstream.url) {
      const engine = createSyncEngine({
        db,
        config: options.config,
        now: options.now,
        log: options.log,
        // A pack from upstream goes through the same verification as `fenliu rules import`; a refusal throws
        // and the installed rules stay.
        installRulesPack: (json) => {
          // The pack already active, served again (a new ETag, a restarted server): nothing to install.
          if (typeof json === 'object' && json !== null && packSha256(json) === rules.store.info()?.sha256) return;
          rules.importPack(json, { source: 'upstream', actor: null });
        },
      });
      desk.attachSync(engine);
      engine.start();
    }
    if (options.services?.keys) {
      const log = options.log;
      const service = createKeyService(options.config.keys, {
        backend: options.services.keys.backend,
        clock: options.services.keys.clock,
        // Called through the logger object: pino's methods need their `this`.
        log: log
          ? {
              debug: (obj, msg) => log.debug?.(obj, msg),
              info: (obj, msg) => log.info(obj, msg),
              warn: (obj, msg) => log.warn(obj, msg),
              error: (obj, msg) => (log.error ? log.error(obj, msg) : log.warn(obj, msg)),
            }
          : undefined,
        db,
        operatorId: options.config.desk.operatorId,
        saveKeys: (keys) => updateUserConfig(options.configFile, { keys }),
      });
      const keys = deskKeyService(service, options.services.keys.clock);
      desk.attachKeys(keys);
      await keys.start();
    }
    return desk;
  } catch (error) {
    db.close();
    throw error;
  }
}
