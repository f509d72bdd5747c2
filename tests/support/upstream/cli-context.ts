// Runs a `fenliu` command object in-process with a hand-made context (the parsing of argv is the CLI runner's,
// tested elsewhere); output lines are collected.
import type { CliContext } from '../../../src-main/cli/command';
import type { DeskConfig } from '../../../src-main/core/config/schema';

export function cliContext(dataDir: string, config: DeskConfig, values: CliContext['values'] = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    values,
    positionals: [],
    json: values.json === true,
    dataDir,
    config,
    openDesk: () => Promise.reject(new Error('this command must not open the Desk')),
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  };
  return { ctx, out, err };
}
