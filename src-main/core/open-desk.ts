// Composition root of the core: opens the database, installs the default rules on first start, compiles
// the classifier and builds the Desk. Adapters (CLI, browser desk, Electron) attach keys and sync to it.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { DeskConfig } from './config/schema';
import { updateUserConfig } from './config/load';
import { databasePath } from './config/paths';
import { openDatabase } from './store/database';
import { Desk, type DeskDeps } from './desk';
import { createRulesProvider } from './rules/provider';

export interface OpenDeskOptions {
  dataDir: string;
  config: DeskConfig;
  /** The per-user config file that settings changed on the desk are written to. */
  configFile: string;
  /** Folder holding rules/default-pack.json; the packaged app passes its resources folder. */
  assetsDir?: string;
  now?: () => number;
  log?: DeskDeps['log'];
}

export function defaultAssetsDir(): string {
  return process.env.FENLIU_ASSETS_DIR ?? fileURLToPath(new URL('../../assets', import.meta.url));
}

export async function openDesk(options: OpenDeskOptions): Promise<Desk> {
  const db = openDatabase(databasePath(options.dataDir));
  try {
    const rules = createRulesProvider(db, options.config, join(options.assetsDir ?? defaultAssetsDir(), 'rules'));
    return new Desk({
      db,
      config: options.config,
      rules,
      now: options.now,
      log: options.log,
      saveUserSetting: (patch) => updateUserConfig(options.configFile, patch),
    });
  } catch (error) {
    db.close();
    throw error;
  }
}
