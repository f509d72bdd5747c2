// `fenliu` entry: global options, command lookup, one-line errors with the documented exit codes.
import { parseArgs } from 'node:util';
import type { CliContext, Command } from './command';
import { UsageError } from './command';
import { COMMANDS } from './commands';
import { ConfigError, configSources, loadConfig } from '../core/config/load';
import { resolveDataDir } from '../core/config/paths';
import { DatabaseTooNewError } from '../core/store/database';
import { openDesk, startupNoticeOf } from '../core/open-desk';
import type { Desk } from '../core/desk';

const GLOBAL_OPTIONS = {
  'data-dir': { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function usage(): string {
  const lines = ['usage: fenliu [--data-dir DIR] [--config FILE] [--json] <command> [options]', '', 'commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(12)} ${c.summary}`);
  return lines.join('\n');
}

/** Splits argv into the command name and the rest; global options may come before the command. */
function findCommand(argv: string[]): { command: Command | undefined; name: string | undefined; rest: string[] } {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--data-dir' || arg === '--config') {
      i += 1;
      continue;
    }
    if (arg.startsWith('-')) continue;
    return { command: COMMANDS.find((c) => c.name === arg), name: arg, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { command: undefined, name: undefined, rest: argv };
}

export interface CliIo {
  out(line: string): unknown;
  err(line: string): unknown;
}

const STDIO: CliIo = { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`) };

// `fenliu … | head` closes the pipe early: stop quietly, as other command-line tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

export async function main(argv: string[], io: CliIo = STDIO): Promise<number> {
  const { command, name, rest } = findCommand(argv);
  if (!command) {
    if (name === undefined || name === 'help') {
      io.out(usage());
      return name === undefined && !argv.includes('--help') && !argv.includes('-h') ? 2 : 0;
    }
    io.err(`fenliu: unknown command "${name}" (fenliu --help lists them)`);
    return 2;
  }
  let desk: Desk | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.out(`usage: ${command.usage}\n${command.summary}`);
      return 0;
    }
    const dataDir = resolveDataDir(values['data-dir'] as string | undefined);
    const configFlag = values.config as string | undefined;
    let config: CliContext['config'] | undefined;
    const ctx: CliContext = {
      values: values as CliContext['values'],
      positionals,
      json: values.json === true,
      dataDir,
      get config() {
        config ??= loadConfig(configSources(dataDir, configFlag));
        return config;
      },
      openDesk: async (services) => {
        if (!desk) {
          desk = await openDesk({ dataDir, config: ctx.config, configFile: configSources(dataDir, configFlag).userFile, services });
          // A damaged database moved aside, or a data dir that cannot be written: said once, on stderr, for IT.
          const notice = startupNoticeOf(desk);
          if (notice) io.err(`fenliu: ${notice.message}`);
        }
        return desk;
      },
      out: (line) => void io.out(line),
      err: (line) => void io.err(line),
    };
    return await command.run(ctx);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof DatabaseTooNewError) {
      io.err(`fenliu ${command.name}: ${error.message}`);
      return error instanceof UsageError ? error.exitCode : 2;
    }
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`fenliu ${command.name}: ${(error as Error).message} (usage: ${command.usage})`);
      return 2;
    }
    io.err(`fenliu ${command.name}: failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await desk?.close();
  }
}
