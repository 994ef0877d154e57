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
}
