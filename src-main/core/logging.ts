// The desk's log: pino into size-rotated files under <data dir>/logs. No installed package rotates by size
// (pino-roll, rotating-file-stream and electron-log are not dependencies), and the rotation needed is small, so it
// is written here: synchronous appends (a line written before a crash is on disk), rename-based rotation.
// Secrets (tokens, passphrases, Authorization headers) never reach the file; a call note is reduced to its length
// unless IT set logging.level to debug or trace for a support case.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';

export const LOG_FILE_NAME = 'fenliu.log';
export const DEFAULT_MAX_LOG_BYTES = 5 * 1024 * 1024;
export const DEFAULT_KEPT_LOG_FILES = 5;

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export function logsDir(dataDir: string): string {
  return join(dataDir, 'logs');
}

export interface RotatingFileOptions {
  /** The live file, e.g. <logs>/fenliu.log; older ones are fenliu.log.1 (newest) … fenliu.log.<keep>. */
  file: string;
  maxBytes?: number;
  /** Rotated files kept besides the live one. */
  keep?: number;
}

/** A pino destination (anything with `write(string)`) that appends to a file and rotates it by size. */
export class RotatingFileDestination {
  readonly file: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private fd: number | null;
  private size: number;

  constructor(options: RotatingFileOptions) {
    this.file = options.file;
    this.maxBytes = Math.max(1024, options.maxBytes ?? DEFAULT_MAX_LOG_BYTES);
    this.keep = Math.max(1, options.keep ?? DEFAULT_KEPT_LOG_FILES);
    mkdirSync(join(this.file, '..'), { recursive: true });
    this.fd = openSync(this.file, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  write(chunk: string): boolean {
    if (this.fd === null) return false;
    const bytes = Buffer.byteLength(chunk);
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
    if (this.fd === null) return false;
    writeSync(this.fd, chunk);
    this.size += bytes;
    return true;
  }

  /** Files this destination writes, newest first (the live file, then the rotated ones that exist). */
  files(): string[] {
    return [this.file, ...Array.from({ length: this.keep }, (_, i) => `${this.file}.${i + 1}`)].filter((f) => existsSync(f));
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private rotate(): void {
    this.close();
    rmSync(`${this.file}.${this.keep}`, { force: true });
    for (let i = this.keep - 1; i >= 1; i -= 1) {
      if (existsSync(`${this.file}.${i}`)) renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
    }
    renameSync(this.file, `${this.file}.1`);
    this.fd = openSync(this.file, 'a', 0o600);
    this.size = 0;
  }
}

/** Field names whose values are secrets wherever they appear (top level and two levels down). */
const SECRET_FIELDS = ['token', 'passphrase', 'password', 'authorization', 'Authorization', 'secret', 'apiKey'];
/** Field names that hold a caller's words. */
const NOTE_FIELDS = ['note', 'summary'];

function atDepths(fields: readonly string[]): string[] {
  return fields.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `*.*.*.${f}`]);
}

/** True when the level shows full notes (IT raised it on purpose for a support case). */
export function levelShowsNotes(level: LogLevel): boolean {
  return level === 'debug' || level === 'trace';
}

export interface DeskLoggerOptions {
  dataDir: string;
  level: LogLevel;
  maxBytes?: number;
  keep?: number;
  /** Also write to this destination (e.g. stderr while developing). */
  echo?: { write(chunk: string): unknown };
}

export interface DeskLogger {
  logger: Logger;
  destination: RotatingFileDestination;
  close(): void;
}

export function createDeskLogger(options: DeskLoggerOptions): DeskLogger {
  const destination = new RotatingFileDestination({
    file: join(logsDir(options.dataDir), LOG_FILE_NAME),
    maxBytes: options.maxBytes,
    keep: options.keep,
  });
  const echo = options.echo;
  const sink = echo ? { write: (chunk: string) => (echo.write(chunk), destination.write(chunk)) } : destination;
  const paths = [...atDepths(SECRET_FIELDS), ...(levelShowsNotes(options.level) ? [] : atDepths(NOTE_FIELDS))];
  const logger = pino(
    {
      level: options.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths,
        censor: (value: unknown, path: string[]) =>
          NOTE_FIELDS.includes(path[path.length - 1] ?? '') && typeof value === 'string'
            ? `[${value.length} chars]`
            : '[redacted]',
      },
    },
    sink,
  );
  return { logger, destination, close: () => destination.close() };
}
