import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_FOLDER = 'Fenliu';

/** The per-user folder Electron's app.getPath('userData') uses for an app named "Fenliu". */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_FOLDER);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_FOLDER);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_FOLDER);
}

/** Machine-wide configuration written by IT (or the MSI); read-only for call-takers. */
export function machineConfigPath(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.FENLIU_MACHINE_CONFIG) return env.FENLIU_MACHINE_CONFIG;
  if (platform === 'win32') return join(env.ProgramData ?? 'C:\\ProgramData', APP_FOLDER, 'config.json');
  return '/etc/fenliu/config.json';
}

export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.FENLIU_DATA_DIR ?? defaultUserDataDir(env);
}

export function databasePath(dataDir: string): string {
  return join(dataDir, 'fenliu.db');
}

export function userConfigPath(dataDir: string): string {
  return join(dataDir, 'config.json');
}
