import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { ConnectorStorage } from '../connector/contract.js';

/** Small per-connector key/value storage (settings learnt at runtime, ledgers). */
export class KvStore {
  constructor(private readonly db: Knex) {}

  forConnector(connector: string): ConnectorStorage {
    return {
      get: async (key) => {
        const row = await this.db('connector_kv')
          .where({ connector, key })
          .andWhere((q) => q.whereNull('expires_at').orWhere('expires_at', '>', Date.now()))
          .first('value');
        return row ? (row.value as string) : undefined;
      },
      set: async (key, value, options) => {
        const expires_at = options?.ttlMs === undefined ? null : Date.now() + options.ttlMs;
        await this.db('connector_kv')
          .insert({ connector, key, value, expires_at })
          .onConflict(['connector', 'key'])
          .merge();
      },
      delete: async (key) => {
        await this.db('connector_kv').where({ connector, key }).delete();
      },
    };
  }

  /** Deletes expired values of every connector; resolves to how many. */
  async pruneExpired(now = Date.now()): Promise<number> {
    const removed = await this.db('connector_kv')
      .whereNotNull('expires_at')
      .andWhere('expires_at', '<=', now)
      .delete()
      .returning('key');
    return removed.length;
  }

  /** A random id made the first time this database is used, then kept (`_core` is no connector id). */
  async databaseId(): Promise<string> {
    const core = this.forConnector('_core');
    const existing = await core.get('database_id');
    if (existing) return existing;
    await this.db('connector_kv')
      .insert({ connector: '_core', key: 'database_id', value: randomBytes(8).toString('hex') })
      .onConflict(['connector', 'key'])
      .ignore();
    return (await core.get('database_id')) as string;
  }
}
