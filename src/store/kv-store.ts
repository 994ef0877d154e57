import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { ConnectorStorage } from '../connector/contract.js';

/**
 * A read marks an entry as used at most this often: retention counts days, and writing on
 * every read would turn each lookup into a write.
 */
const TOUCH_EVERY_MS = 24 * 60 * 60 * 1000;

/** Entries of one connector whose key starts with `prefix` (a rule of the retention). */
export interface KeyPrefix {
  connector: string;
  prefix: string;
}

/** One connector storage entry, by name. */
export interface StoredKey {
  connector: string;
  key: string;
}

/** Small per-connector key/value storage (settings learnt at runtime, ledgers). */
export class KvStore {
  constructor(
    private readonly db: Knex,
    private readonly now: () => number = Date.now,
  ) {}

  forConnector(connector: string): ConnectorStorage {
    return {
      get: async (key) => {
        const now = this.now();
        const row = (await this.db('connector_kv')
          .where({ connector, key })
          .andWhere((q) => q.whereNull('expires_at').orWhere('expires_at', '>', now))
          .first('value', 'touched_at')) as { value: string; touched_at: unknown } | undefined;
        if (!row) return undefined;
        if (row.touched_at !== null && Number(row.touched_at) < now - TOUCH_EVERY_MS) {
          await this.db('connector_kv').where({ connector, key }).update({ touched_at: now });
        }
        return row.value;
      },
      set: async (key, value, options) => {
        const now = this.now();
        const expires_at = options?.ttlMs === undefined ? null : now + options.ttlMs;
        await this.db('connector_kv')
          .insert({ connector, key, value, expires_at, touched_at: now })
          .onConflict(['connector', 'key'])
          .merge();
      },
      delete: async (key) => {
        await this.db('connector_kv').where({ connector, key }).delete();
      },
    };
  }

  /** Deletes expired values of every connector; resolves to how many. */
  async pruneExpired(now = this.now()): Promise<number> {
    const removed = await this.db('connector_kv')
      .whereNotNull('expires_at')
      .andWhere('expires_at', '<=', now)
      .delete()
      .returning('key');
    return removed.length;
  }

  /**
   * Deletes entries without an expiry that were neither written nor read since `before` (ms),
   * except those under an `exempt` prefix (state that must live; account links have their
   * own retention); resolves to how many.
   */
  async pruneUntouched(before: number, exempt: readonly KeyPrefix[]): Promise<number> {
    const query = this.db('connector_kv')
      .whereNull('expires_at')
      .andWhere('touched_at', '<', before);
    for (const e of exempt) {
      query.andWhereRaw('NOT (connector = ? AND starts_with(key, ?))', [e.connector, e.prefix]);
    }
    return (await query.delete().returning('key')).length;
  }

  /** Deletes the entries under `only` prefixes not written or read since `before` (ms). */
  async pruneUntouchedUnder(before: number, only: readonly KeyPrefix[]): Promise<number> {
    return (await this.pruneUntouchedKeys(before, only)).length;
  }

  /** As pruneUntouchedUnder, resolving to the entries deleted (to tell their owners). */
  async pruneUntouchedKeys(before: number, only: readonly KeyPrefix[]): Promise<StoredKey[]> {
    if (only.length === 0) return [];
    const removed = await this.db('connector_kv')
      .andWhere('touched_at', '<', before)
      .andWhere((q) => {
        for (const o of only) {
          q.orWhereRaw('(connector = ? AND starts_with(key, ?))', [o.connector, o.prefix]);
        }
      })
      .delete()
      .returning(['connector', 'key']);
    return removed as StoredKey[];
  }

  /** A random id made the first time this database is used, then kept (`_core` is no connector id). */
  async databaseId(): Promise<string> {
    const core = this.forConnector('_core');
    const existing = await core.get('database_id');
    if (existing) return existing;
    await this.db('connector_kv')
      .insert({
        connector: '_core',
        key: 'database_id',
        value: randomBytes(8).toString('hex'),
        touched_at: this.now(),
      })
      .onConflict(['connector', 'key'])
      .ignore();
    return (await core.get('database_id')) as string;
  }
}
