import { createHash } from 'node:crypto';

export const CONNECTOR_ID = 'rocketchat';

// Meteor's Random.id alphabet: message ids the bridge chooses look like the server's own.
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz';

/**
 * The `_id` for part `part` of an outbound message. Derived from the core's idempotency key,
 * so a retried delivery asks for the same id and the server cannot store it twice.
 */
export function messageIdFor(idempotencyKey: string, part: number): string {
  const digest = createHash('sha256').update(`${idempotencyKey}\u0000${part}`).digest();
  let out = '';
  for (let i = 0; i < 17; i += 1) out += ALPHABET[digest[i]! % ALPHABET.length];
  return out;
}

/** Event keys: stable for the same platform event, replayed or not. */
export const eventKeys = {
  message: (id: string) => `msg:${id}`,
  edit: (id: string, editedAt: number) => `edit:${id}:${editedAt}`,
  delete: (id: string) => `delete:${id}`,
  /** `version` is the message's `_updatedAt` for the change that added/removed the reaction. */
  reaction: (added: boolean, id: string, reaction: string, username: string, version: number) =>
    `${added ? 'react' : 'unreact'}:${id}:${reaction}:${username}:${version}`,
};

/** A Rocket.Chat id (rooms, users, messages): letters, digits and a few separators, bounded. */
export function isRocketId(v: unknown): v is string {
  return typeof v === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(v);
}
