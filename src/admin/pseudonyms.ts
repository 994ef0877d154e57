import { createHmac, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';

const KEY_OWNER = '_core';
const KEY_NAME = 'pseudonym_key';

/**
 * Stable stand-ins for erased people: `erased:` and a keyed hash (HMAC-SHA256) of who they
 * were. The same person always gets the same pseudonym, so audit entries stay countable per
 * person, but without the key (random, made once per database, never shown) nobody can
 * tell who it was, nor test a guess.
 */
export class Pseudonyms {
  private key: Promise<Buffer> | undefined;

  constructor(private readonly db: Knex) {}

  async of(subject: string): Promise<string> {
    const key = await (this.key ??= this.loadKey());
    return `erased:${createHmac('sha256', key).update(subject).digest('hex').slice(0, 16)}`;
  }

  private async loadKey(): Promise<Buffer> {
    // Insert-or-keep: two bridges starting on one database agree on the first key.
    await this.db('connector_kv')
      .insert({ connector: KEY_OWNER, key: KEY_NAME, value: randomBytes(32).toString('hex') })
      .onConflict(['connector', 'key'])
      .ignore();
    const row = (await this.db('connector_kv')
      .where({ connector: KEY_OWNER, key: KEY_NAME })
      .first('value')) as { value: string };
    return Buffer.from(row.value, 'hex');
  }
}
