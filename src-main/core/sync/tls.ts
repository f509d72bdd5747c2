// TLS material for the upstream connection: the trusted roots (system + the bundled store + an optional extra CA
// file, since police intranets run their own CA) and an optional client certificate (PFX, or PEM cert + key).
// Files are read and checked once here, so a wrong path or passphrase is reported as a configuration problem
// naming the file, not as a connection failure repeated every few seconds.
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import type { UpstreamConfig } from '../config/sections/upstream';

export class TlsConfigError extends Error {}

export interface TlsConnectOptions {
  ca?: string[];
  pfx?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  passphrase?: string;
}

function readConfigured(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new TlsConfigError(`无法读取${what} ${file}（${code}）`);
  }
}

/** System roots where this Node can read them (Node ≥ 22.15 / Electron), else Node's bundled Mozilla store. */
function defaultRoots(): string[] {
  const get = (tls as unknown as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  const roots = new Set<string>(tls.rootCertificates);
  if (typeof get === 'function') {
    try {
      for (const cert of get('system')) roots.add(cert);
    } catch {
      // An unreadable system store leaves the bundled roots; the extra CA file still applies.
    }
  }
  return [...roots];
}

export function tlsConnectOptions(config: Pick<UpstreamConfig, 'caFile' | 'clientCert'>): TlsConnectOptions {
  const options: TlsConnectOptions = {};
  if (config.caFile) {
    const pem = readConfigured(config.caFile, 'CA 证书文件').toString('utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new TlsConfigError(`CA 证书文件 ${config.caFile} 不是 PEM 格式的证书`);
    // Node's `ca` replaces the default roots; keep them so public upstreams still verify.
    options.ca = [...defaultRoots(), pem];
  }
  const client = config.clientCert;
  if (client) {
    if ('pfxFile' in client) {
      options.pfx = readConfigured(client.pfxFile, '客户端证书文件');
    } else {
      options.cert = readConfigured(client.certFile, '客户端证书文件');
      options.key = readConfigured(client.keyFile, '客户端私钥文件');
    }
    if (client.passphrase !== undefined) options.passphrase = client.passphrase;
    try {
      // Fails now, with a clear message, for a wrong passphrase or a damaged file (the error text is not
      // passed on: it never contains the passphrase, but it is not needed either).
      tls.createSecureContext({ pfx: options.pfx, cert: options.cert, key: options.key, passphrase: options.passphrase });
    } catch {
      const file = 'pfxFile' in client ? client.pfxFile : `${client.certFile} / ${client.keyFile}`;
      throw new TlsConfigError(`客户端证书无法使用（口令错误、证书与私钥不匹配或文件损坏）：${file}`);
    }
  }
  return options;
}
