import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { ConnectorStorage } from '../connector/contract.js';

/** Small per-connector key/value storage (cursors, settings learnt at runtime). */
export class KvStore {
  constructor(private readonly db: Knex) {}

  forConnector(connector: string): ConnectorStorage {
    return {
      get: async (key) => {
        const row = await this.db('connector_kv').where({ connector, key }).first('value');
        return row ? (row.value as string) : undefined;
      },
      set: async (key, value) => {
        await this.db('connector_kv')
          .insert({ connector, key, value })
          .onConflict(['connector', 'key'])
          .merge();
      },
    };
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
