import { randomBytes } from 'node:crypto';

// Meteor's Random.id(): 17 characters from an alphabet without look-alikes.
export const ID_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz';

export function newId(length = 17): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ID_ALPHABET[b % ID_ALPHABET.length];
  return out;
}

/** A login token as Accounts._generateStampedLoginToken makes them (43 url-safe characters). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Millisecond clock that never returns the same value twice, so `_updatedAt` orders changes. */
export class Clock {
  private last = 0;
  now(): number {
    const t = Math.max(Date.now(), this.last + 1);
    this.last = t;
    return t;
  }
}
