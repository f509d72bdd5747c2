// Where the shell finds its files, unpackaged (npm start) and packaged (MSI / AppImage / deb), and the few
// command-line options the shell takes.
import { join } from 'node:path';

/** Must equal electron-builder.yml's appId: Windows groups the taskbar button with the Start-menu shortcut by it. */
export const APP_USER_MODEL_ID = 'cn.fenliu.desk';

export interface AppLayout {
  preload: string;
  /** dist-renderer (vite build), served as fenliu://desk/. */
  rendererDir: string;
  /** Folder holding rules/default-pack.json: the resources folder when packaged (extraResources), else assets/. */
  assetsDir: string;
  iconsDir: string;
}

export function appLayout(where: { appPath: string; mainDir: string; resourcesPath: string; packaged: boolean }): AppLayout {
  return {
    preload: join(where.mainDir, 'preload.cjs'),
    rendererDir: join(where.appPath, 'dist-renderer'),
    assetsDir: where.packaged ? where.resourcesPath : join(where.appPath, 'assets'),
    iconsDir: join(where.appPath, 'assets', 'icons'),
  };
}

export interface ShellArgs {
  dataDir?: string;
  config?: string;
}

/**
 * `--data-dir=DIR` and `--config=FILE` (also as two words), as the CLI takes them. Chromium's own switches in argv
 * are ignored.
 */
export function parseShellArgs(argv: readonly string[]): ShellArgs {
  const out: ShellArgs = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    for (const [flag, key] of [['--data-dir', 'dataDir'], ['--config', 'config']] as const) {
      if (arg.startsWith(`${flag}=`)) out[key] = arg.slice(flag.length + 1);
      else if (arg === flag && argv[i + 1] !== undefined) {
        out[key] = argv[i + 1]!;
        i += 1;
      }
    }
  }
  return out;
}
