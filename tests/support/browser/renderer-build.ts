// The built renderer the browser desk serves; rebuilt when any of its sources is newer than the build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const RENDERER_DIR = join(REPO_ROOT, 'dist-renderer');
const SOURCES = ['src-renderer', 'src-main/api', 'index.html', 'vite.config.ts'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function rendererIsFresh(): boolean {
  const index = join(RENDERER_DIR, 'index.html');
  if (!existsSync(index)) return false;
  const built = statSync(index).mtimeMs;
  return SOURCES.every((s) => !existsSync(join(REPO_ROOT, s)) || newestMtime(join(REPO_ROOT, s)) <= built);
}

/** Builds dist-renderer with Vite unless it is up to date. */
export async function ensureRendererBuilt(): Promise<void> {
  if (rendererIsFresh()) return;
  const { build } = await import('vite');
  await build({ root: REPO_ROOT, configFile: join(REPO_ROOT, 'vite.config.ts'), logLevel: 'warn' });
}
