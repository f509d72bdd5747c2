// A whole desk for end-to-end tests: a real data dir and Desk (openDesk: SQLite, the default rules pack), the sync
// against the upstream test server, a transfer key, and the browser desk serving the built renderer.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { deskConfigSchema, type DeskConfigInput } from '../../../src-main/core/config/schema';
import type { Desk } from '../../../src-main/core/desk';
import { openDesk } from '../../../src-main/core/open-desk';
import { startBrowserDesk, type BrowserDesk } from '../../../src-main/host/browser-desk';
import { tempDir } from '../desk/fixtures';
import { startUpstream, type Upstream } from '../upstream/server';
import { RENDERER_DIR } from './renderer-build';
import { SimulatedPedal } from './simulated-keys';

export interface E2EDesk {
  desk: Desk;
  host: BrowserDesk;
  upstream: Upstream;
  keys: SimulatedPedal;
  dataDir: string;
  close(): Promise<void>;
}

export async function startE2EDesk(options: { undoWindowMs?: number; config?: Omit<DeskConfigInput, 'upstream' | 'undoWindowMs'> } = {}): Promise<E2EDesk> {
  const upstream = await startUpstream({ autoReceive: true });
  const dataDir = tempDir('fenliu-e2e-');
  const config = deskConfigSchema.parse({
    desk: { id: 'nanbu-110-e2e', operatorId: 'op-e2e' },
    ...options.config,
    undoWindowMs: options.undoWindowMs ?? 1500,
    upstream: { url: upstream.url, token: upstream.token, intervalMs: 500, timeoutMs: 3000 },
  });
  const keys = new SimulatedPedal();
  const desk = await openDesk({ dataDir, config, configFile: join(dataDir, 'config.json'), services: { sync: true, keys: { backend: keys.backend } } });
  const host = await startBrowserDesk({ desk, staticDir: RENDERER_DIR });
  return {
    desk,
    host,
    upstream,
    keys,
    dataDir,
    async close() {
      await host.close();
      await desk.close();
      await upstream.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
