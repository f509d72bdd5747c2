// The upstream token at rest: encrypted with the operating system's key store (Electron safeStorage: DPAPI on
// Windows, the keyring on Linux) in <data dir>/upstream-token.bin, rather than in plain JSON. A token found in the
// user's config file is moved into the vault at start. A token in the machine-wide file (IT's) is left where it is:
// a call-taker's process cannot and should not rewrite that file.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DeskConfig } from '../core/config/schema';

/** The parts of Electron's safeStorage used here. */
export interface SafeStoragePort {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export const TOKEN_VAULT_FILE = 'upstream-token.bin';

function writeAtomically(file: string, data: string | Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, file);
}

export class TokenVault {
  readonly file: string;

  constructor(
    dataDir: string,
    private readonly safeStorage: SafeStoragePort,
  ) {
    this.file = join(dataDir, TOKEN_VAULT_FILE);
  }

  available(): boolean {
    return this.safeStorage.isEncryptionAvailable();
  }

  /** The stored token; undefined when none is stored or it cannot be decrypted (another user's or machine's). */
  read(): string | undefined {
    if (!existsSync(this.file) || !this.available()) return undefined;
    try {
      const token = this.safeStorage.decryptString(readFileSync(this.file));
      return token.length > 0 ? token : undefined;
    } catch {
      return undefined;
    }
  }

  write(token: string): void {
    if (!this.available()) throw new Error('the operating system offers no key store to encrypt the token with');
    writeAtomically(this.file, this.safeStorage.encryptString(token));
  }

  clear(): void {
    rmSync(this.file, { force: true });
  }
}

export type AdoptResult = 'moved' | 'none' | 'no-key-store';

/**
 * Moves `upstream.token` out of the user's config file into the vault (the file is rewritten without it, atomically).
 * Without a key store the file is left alone and the caller logs a warning.
 */
export function adoptPlaintextToken(userConfigFile: string, vault: TokenVault): AdoptResult {
  if (!existsSync(userConfigFile)) return 'none';
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(userConfigFile, 'utf8').replace(/^\uFEFF/, ''));
  } catch {
    return 'none'; // the config loader has already reported a bad file; nothing to move
  }
  const upstream = (json as { upstream?: Record<string, unknown> } | null)?.upstream;
  const token = upstream?.token;
  if (typeof token !== 'string' || token.length === 0) return 'none';
  if (!vault.available()) return 'no-key-store';
  vault.write(token);
  delete upstream!.token;
  writeAtomically(userConfigFile, `${JSON.stringify(json, null, 2)}\n`);
  return 'moved';
}

/** The configuration with the vault's token filled in when no config file names one. */
export function withVaultToken(config: DeskConfig, vault: TokenVault): DeskConfig {
  if (config.upstream.token) return config;
  const token = vault.read();
  return token ? { ...config, upstream: { ...config.upstream, token } } : config;
}
