import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '../command';
import { UsageError } from '../command';
import { startBrowserDesk } from '../../host/browser-desk';

export const DEFAULT_SERVE_PORT = 8110;

/** The built renderer: dist-renderer at the top of the checkout (FENLIU_RENDERER_DIR overrides). */
export function rendererDir(): string {
  return process.env.FENLIU_RENDERER_DIR ?? fileURLToPath(new URL('../../../dist-renderer', import.meta.url));
}

function parsePort(value: unknown): number {
  if (value === undefined) return DEFAULT_SERVE_PORT;
  const text = String(value);
  const port = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isInteger(port) || port > 65535) throw new UsageError(`--port: "${text}" is not a port number (0–65535)`);
  return port;
}

/**
 * Resolves at the first SIGINT/SIGTERM. Later ones are ignored (a terminal sends Ctrl+C to `npm start` and to this
 * process, and npm passes it on again) so that they cannot cut the desk's close short.
 */
function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export const command: Command = {
  name: 'serve',
  summary: 'the desk in a browser: serves the screen and the Desk API on 127.0.0.1 and prints the address with its token',
  usage: 'fenliu serve [--port P]   (stop with Ctrl+C)',
  options: { port: { type: 'string' } },
  async run(ctx) {
    const port = parsePort(ctx.values.port);
    const staticDir = rendererDir();
    if (!existsSync(join(staticDir, 'index.html'))) {
      ctx.err(`fenliu serve: the screen is not built yet (${staticDir} is missing); run \`npm run build:renderer\` once, then start again.`);
      return 1;
    }
    // The browser desk is the whole desk: it reads the transfer key and syncs in the background.
    const desk = await ctx.openDesk({ keys: {}, sync: true });
    let host;
    try {
      host = await startBrowserDesk({ desk, port, staticDir });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        ctx.err(`fenliu serve: port ${port} is in use; choose another with --port P (0 picks a free one).`);
        return 1;
      }
      throw error;
    }
    ctx.out(host.url);
    if (!ctx.json) ctx.err('open the address above in Chromium or Edge on this computer; Ctrl+C stops the desk');
    await waitForStopSignal();
    // The runner closes the Desk (database, key reader, sync) after this returns.
    await host.close();
    return 0;
  },
};
