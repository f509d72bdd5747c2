// The shape of one `fenliu` sub-command. Each command is a thin call into the core / the Desk.
import type { ParseArgsConfig } from 'node:util';
import type { Desk } from '../core/desk';
import type { DeskConfig } from '../core/config/schema';
import type { OpenDeskOptions } from '../core/open-desk';

export type CliOptions = NonNullable<ParseArgsConfig['options']>;

export interface CliContext {
  /** Options parsed with the command's own `options` plus the global ones (data-dir, config, json). */
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  json: boolean;
  dataDir: string;
  /** Loaded, validated configuration (machine file layered under user file / --config). */
  config: DeskConfig;
  /**
   * Opens the Desk on the data dir (database, rules, …). Closed by the CLI runner after `run`. Long-running
   * commands (serve) ask for the transfer-key reader and the background sync.
   */
  openDesk(services?: OpenDeskOptions['services']): Promise<Desk>;
  out(line: string): void;
  err(line: string): void;
}

export interface Command {
  /** e.g. "classify" or "rules" (sub-sub-commands are positionals[0]). */
  name: string;
  summary: string;
  usage: string;
  options?: CliOptions;
  /** Returns the exit code: 0 done, 1 not done (e.g. outbox not empty), 2 bad usage/input, 3 refused on purpose. */
  run(ctx: CliContext): Promise<number>;
}

/** Thrown for bad usage or bad input: the runner prints the message (one line, no stack) and exits 2. */
export class UsageError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}
