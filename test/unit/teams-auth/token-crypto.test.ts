import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptJson, encryptJson, parseKey } from '../../../connectors/teams/auth/token-crypto.js';

describe('token encryption (AES-256-GCM)', () => {
  const key = randomBytes(32);
  const value = { accessToken: 'eyJ.secret', refreshToken: 'rt.secret', expiresAt: 123 };

  it('round-trips, with a fresh IV each time and no plaintext in the blob', () => {
    const a = encryptJson(key, value, 'puppet:contoso:@maria:example.org');
    const b = encryptJson(key, value, 'puppet:contoso:@maria:example.org');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(a).not.toContain('secret');
    expect(decryptJson(key, a, 'puppet:contoso:@maria:example.org')).toEqual(value);
  });

  it('refuses another key, another storage key (AAD), tampering and garbage', () => {
    const blob = encryptJson(key, value, 'puppet:contoso:@maria:example.org');
    expect(decryptJson(randomBytes(32), blob, 'puppet:contoso:@maria:example.org')).toBeUndefined();
    expect(decryptJson(key, blob, 'puppet:contoso:@mallory:example.org')).toBeUndefined();
    const raw = Buffer.from(blob.slice(3), 'base64url');
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;
    expect(
      decryptJson(key, `v1.${raw.toString('base64url')}`, 'puppet:contoso:@maria:example.org'),
    ).toBeUndefined();
    expect(decryptJson(key, 'v1.AAAA', 'x')).toBeUndefined();
    expect(decryptJson(key, undefined, 'x')).toBeUndefined();
    expect(decryptJson(key, '', 'x')).toBeUndefined();
  });

  it('accepts 32-byte keys as hex or base64 only', () => {
    expect(parseKey('ab'.repeat(32))).toHaveLength(32);
    expect(parseKey(randomBytes(32).toString('base64'))).toHaveLength(32);
    expect(() => parseKey(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
