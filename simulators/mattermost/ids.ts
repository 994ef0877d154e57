import { randomBytes } from 'node:crypto';

// Mattermost ids: 16 random bytes, base32 with the server's own alphabet, 26 characters.
const ALPHABET = 'ybndrfg8ejkmcpqxot1uwisza345h769';

export function newId(): string {
  const bytes = randomBytes(16);
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out.slice(0, 26);
}

/** `model.IsValidId`: exactly 26 letters or digits. */
export function isValidId(value: string): boolean {
  return /^[A-Za-z0-9]{26}$/.test(value);
}

/** Millisecond clock that never returns the same value twice, so create/update times order events. */
export class Clock {
  private last = 0;
  now(): number {
    const t = Math.max(Date.now(), this.last + 1);
    this.last = t;
    return t;
  }
}
