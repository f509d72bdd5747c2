import { describe, expect, it } from 'vitest';
import { generateSigningKey, signPack, verifyPack } from '../../../src-main/core/rules/signature';
import { smallPack } from './small-pack';

const county = generateSigningKey();
const other = generateSigningKey();
const trusted = [{ id: 'county', publicKey: county.publicKeyBase64 }];

describe('rules pack signatures (Ed25519)', () => {
  it('verifies a pack signed by a trusted key, whatever the key order or indentation of the file', () => {
    const signed = signPack(smallPack(), county.privateKeyPem, 'county');
    expect(verifyPack(signed, trusted)).toEqual({ signer: 'county' });
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(signed).reverse())));
    expect(verifyPack(reordered, [{ id: 'county', publicKey: county.publicKeyPem }])).toEqual({ signer: 'county' });
  });

  it('refuses a pack changed after signing', () => {
    const signed = signPack(smallPack(), county.privateKeyPem, 'county');
    signed.rules[0]!.weight = 99;
    expect(() => verifyPack(signed, trusted)).toThrow(/signature by "county" does not match/);
  });

  it('refuses a pack signed by a key that is not trusted, or by another key under a trusted id', () => {
    const byOther = signPack(smallPack(), other.privateKeyPem, 'other');
    expect(() => verifyPack(byOther, trusted)).toThrow(/key "other", which is not among the trusted keys \(rules\.trustedKeys: county\)/);
    const impostor = signPack(smallPack(), other.privateKeyPem, 'county');
    expect(() => verifyPack(impostor, trusted)).toThrow(/does not match/);
  });

  it('accepts an unsigned pack only with allowUnsigned', () => {
    expect(() => verifyPack(smallPack(), trusted)).toThrow(/not signed .*--allow-unsigned/);
    expect(verifyPack(smallPack(), trusted, { allowUnsigned: true })).toEqual({ signer: null });
  });

  it('still checks a signature that is present when unsigned packs are allowed', () => {
    const signed = signPack(smallPack(), county.privateKeyPem, 'county');
    signed.version = '9.9.9';
    expect(() => verifyPack(signed, trusted, { allowUnsigned: true })).toThrow(/does not match/);
  });

  it('names a trusted key that is not an Ed25519 key', () => {
    const signed = signPack(smallPack(), county.privateKeyPem, 'county');
    expect(() => verifyPack(signed, [{ id: 'county', publicKey: 'AAAA' }])).toThrow(/rules\.trustedKeys "county": not an Ed25519 public key/);
  });
});
