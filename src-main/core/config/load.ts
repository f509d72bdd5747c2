// Loads the configuration: machine-wide file, then the user file (or --config) over it, validated as a whole.
// A bad file is refused with one line naming the file, the field and the problem.
import { existsSync, readFileSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { deskConfigSchema, type DeskConfig } from './schema';
import { machineConfigPath, userConfigPath } from './paths';

export class ConfigError extends Error {}

export interface ConfigSources {
  machineFile: string;
  userFile: string;
  /** True when the user file was named with --config (it must then exist). */
  explicit: boolean;
}

export function configSources(dataDir: string, configFlag?: string, env = process.env): ConfigSources {
  return {
    machineFile: machineConfigPath(env),
    userFile: configFlag ?? userConfigPath(dataDir),
    explicit: configFlag !== undefined,
  };
}

type Json = Record<string, unknown>;

function readJsonFile(file: string, mustExist: boolean): Json {
  if (!existsSync(file)) {
    if (mustExist) throw new ConfigError(`${file}: the configuration file does not exist`);
    return {};
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, ''); // Notepad writes a BOM
  } catch (error) {
    throw new ConfigError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`${file}: must hold a JSON object`);
  }
  return stripComments(parsed) as Json;
}

/** JSON has no comments: keys starting with "$comment" are notes for people (IT) and are dropped before validation. */
export function stripComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripComments);
  if (typeof value !== 'object' || value === null) return value;
  const out: Json = {};
  for (const [key, inner] of Object.entries(value)) if (!key.startsWith('$comment')) out[key] = stripComments(inner);
  return out;
}

/** Objects merge key by key; arrays and scalars of the upper layer replace the lower one. */
export function mergeLayers(lower: Json, upper: Json): Json {
  const out: Json = { ...lower };
  for (const [key, value] of Object.entries(upper)) {
    const below = out[key];
    out[key] =
      isPlainObject(below) && isPlainObject(value) ? mergeLayers(below as Json, value as Json) : value;
  }
  return out;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeIssue(file: string, issue: z.core.$ZodIssue): string {
  const field = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
  return `${file}: ${field}: ${issue.message}`;
}

function validateLayer(file: string, json: Json): void {
  // Validate each file alone too, so the message names the file that holds the mistake.
  const result = deskConfigSchema.safeParse(json);
  if (!result.success) throw new ConfigError(describeIssue(file, result.error.issues[0]!));
}

export function loadConfig(sources: ConfigSources): DeskConfig {
  const machine = readJsonFile(sources.machineFile, false);
  const user = readJsonFile(sources.userFile, sources.explicit);
  validateLayer(sources.machineFile, machine);
  validateLayer(sources.userFile, user);
  const result = deskConfigSchema.safeParse(mergeLayers(machine, user));
  if (!result.success) throw new ConfigError(describeIssue(sources.userFile, result.error.issues[0]!));
  return result.data;
}

/** Writes a change into the user file (never the machine file), atomically: temp file + rename. */
export function updateUserConfig(file: string, patch: Json): void {
  const current = readJsonFile(file, false);
  const next = mergeLayers(current, patch);
  validateLayer(file, next);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}
