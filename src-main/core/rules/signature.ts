// Ed25519 signatures over a pack's canonical bytes: the pack without `signature`, object keys sorted at every
// level, no whitespace, UTF-8. Any re-indentation or key reordering of the file keeps the signature valid;
// any change of content breaks it.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import type { PackSignature } from './pack';

export interface TrustedKey {
  id: string;
  /** SPKI PEM, or base64 of the raw 32-byte Ed25519 public key. */
  publicKey: string;
}

export class SignatureError extends Error {}

function canonicalValue(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    if (text === undefined) throw new SignatureError(`cannot sign a value of type ${typeof value}`);
    return text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalValue).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalValue((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** The bytes a signature covers. */
export function canonicalPackBytes(pack: object): Buffer {
  const { signature: _signature, ...rest } = pack as Record<string, unknown>;
  return Buffer.from(canonicalValue(rest), 'utf8');
}

// DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw key follows.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function publicKeyFrom(text: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    if (text.includes('-----BEGIN')) {
      key = createPublicKey(text);
    } else {
      const raw = Buffer.from(text.trim(), 'base64');
      if (raw.length !== 32) throw new Error(`base64 of ${raw.length} bytes, not 32`);
      key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    }
  } catch (error) {
    throw new SignatureError(`${where}: not an Ed25519 public key (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new SignatureError(`${where}: a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
  }
  return key;
}

/** Returns a copy of the pack carrying a signature by `keyId`. */
export function signPack<T extends object>(pack: T, privateKeyPem: string, keyId: string): T & { signature: PackSignature } {
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch (error) {
    throw new SignatureError(`not a private key (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new SignatureError(`a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
  const value = sign(null, canonicalPackBytes(pack), key).toString('base64');
  const { signature: _old, ...rest } = pack as T & { signature?: unknown };
  return { ...(rest as T), signature: { algorithm: 'ed25519', keyId, value } };
}

export interface VerifyOptions {
  /** Accept a pack without signature (a county testing its own rules, `--allow-unsigned`). */
  allowUnsigned?: boolean;
}

/**
 * Checks the pack's signature against the trusted keys. Returns the signer's key id (null for an unsigned pack
 * accepted with allowUnsigned); throws SignatureError naming the problem otherwise.
 */
export function verifyPack(
  pack: { signature?: PackSignature | undefined },
  trustedKeys: readonly TrustedKey[],
  options: VerifyOptions = {},
): { signer: string | null } {
  const signature = pack.signature;
  if (!signature) {
    if (options.allowUnsigned) return { signer: null };
    throw new SignatureError('the pack is not signed (a county testing its own pack may import it with --allow-unsigned)');
  }
  const trusted = trustedKeys.find((k) => k.id === signature.keyId);
  if (!trusted) {
    const known = trustedKeys.length ? trustedKeys.map((k) => k.id).join(', ') : 'none configured';
    throw new SignatureError(`signed by key "${signature.keyId}", which is not among the trusted keys (rules.trustedKeys: ${known})`);
  }
  const key = publicKeyFrom(trusted.publicKey, `rules.trustedKeys "${trusted.id}"`);
  const ok = verify(null, canonicalPackBytes(pack), key, Buffer.from(signature.value, 'base64'));
  if (!ok) throw new SignatureError(`the signature by "${signature.keyId}" does not match: the pack was changed after signing, or signed with another key`);
  return { signer: signature.keyId };
}

/** A new key pair for a county signing its own packs: PKCS#8 PEM private key, SPKI PEM and raw base64 public key. */
export function generateSigningKey(): { privateKeyPem: string; publicKeyPem: string; publicKeyBase64: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    publicKeyBase64: der.subarray(ED25519_SPKI_PREFIX.length).toString('base64'),
  };
}
