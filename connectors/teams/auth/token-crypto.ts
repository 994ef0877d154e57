/**
 * Linked users' OAuth tokens at rest: AES-256-GCM with a random 96-bit IV per value and the
 * storage key as additional authenticated data, so a blob copied to another user's key does
 * not decrypt. Format: `v1.` + base64url(iv ‖ tag ‖ ciphertext).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { BridgeError } from '../../../src/connector/index.js';

const VERSION = 'v1.';

/** 64 hex digits or base64 of exactly 32 bytes. */
export function parseKey(raw: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) {
    throw new BridgeError(
      'CONFIG_INVALID',
      'token_encryption_key must be 32 bytes (64 hex digits or base64)',
    );
  }
  return key;
}

export function encryptJson(key: Buffer, value: unknown, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return VERSION + Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url');
}

/** The value, or undefined when the blob is missing, malformed, tampered with or for another key/aad. */
export function decryptJson<T>(key: Buffer, blob: string | undefined, aad: string): T | undefined {
  if (!blob?.startsWith(VERSION)) return undefined;
  const raw = Buffer.from(blob.slice(VERSION.length), 'base64url');
  if (raw.length < 12 + 16 + 1) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(raw.subarray(12, 28));
    const plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
