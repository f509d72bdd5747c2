// The MSI's silent-install properties (UPSTREAM_URL, DESK_ID) reach the machine-wide config through the installed
// program itself: the installer runs `Fenliu.exe --write-machine-config --upstream-url=… --desk-id=…` as a deferred
// custom action (as SYSTEM, after the files are in place; see tools/msi-project-created.cjs). The fields given are
// merged into an existing %ProgramData%\Fenliu\config.json — IT's other settings and "$comment" notes are kept —
// the result is validated with the desk's own schema and written atomically. A bad value fails the install (with
// the reason on stderr and in the MSI log), rather than leaving a desk that cannot start.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { deskConfigSchema } from '../core/config/schema';
import { mergeLayers, stripComments } from '../core/config/load';

export const WRITE_MACHINE_CONFIG_FLAG = '--write-machine-config';

export interface InstallerProperties {
  upstreamUrl?: string;
  deskId?: string;
}

/** The properties passed on the command line, or null when this start is not the installer's. */
export function parseInstallerArgs(argv: readonly string[]): InstallerProperties | null {
  if (!argv.includes(WRITE_MACHINE_CONFIG_FLAG)) return null;
  const value = (name: string): string | undefined => {
    const prefix = `--${name}=`;
    const arg = argv.find((a) => a.startsWith(prefix));
    const text = arg?.slice(prefix.length).trim();
    return text ? text : undefined; // an MSI property left empty expands to ""
  };
  const props: InstallerProperties = {};
  const upstreamUrl = value('upstream-url');
  const deskId = value('desk-id');
  if (upstreamUrl) props.upstreamUrl = upstreamUrl;
  if (deskId) props.deskId = deskId;
  return props;
}

export class InstallerConfigError extends Error {}

/** Merges the properties into the machine config file; returns the fields written. */
export function writeMachineConfig(file: string, props: InstallerProperties): string[] {
  const patch: Record<string, Record<string, string>> = {};
  const written: string[] = [];
  if (props.upstreamUrl) {
    patch.upstream = { url: props.upstreamUrl };
    written.push('upstream.url');
  }
  if (props.deskId) {
    patch.desk = { id: props.deskId };
    written.push('desk.id');
  }
  if (written.length === 0) return written;
  let current: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('must hold a JSON object');
      current = parsed as Record<string, unknown>;
    } catch (error) {
      throw new InstallerConfigError(`${file}: the existing file is not valid (${(error as Error).message}); it was left untouched`);
    }
  }
  const next = mergeLayers(current, patch);
  const check = deskConfigSchema.safeParse(stripComments(next));
  if (!check.success) {
    const issue = check.error.issues[0]!;
    throw new InstallerConfigError(`${file}: ${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`);
  }
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`);
  renameSync(tmp, file);
  return written;
}
