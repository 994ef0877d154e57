import type { Knex } from 'knex';
import type { CursorRow, CursorRows } from '../connector/cursor-book.js';

const CHUNK = 1000;

/** The core's `channel_cursors` table (migration 005), one connector's rows at a time. */
export class CursorStore {
  constructor(private readonly db: Knex) {}

  forConnector(connector: string): CursorRows {
    return {
      load: async () =>
        (await this.db('channel_cursors')
          .where({ connector })
          .select('workspace', 'channel', 'thread', 'cursor')) as CursorRow[],
      save: async (rows) => {
        if (rows.length === 0) return;
        const now = Date.now();
        const all = rows.map((r) => ({ connector, ...r, updated_at: now }));
        await this.db.transaction(async (trx) => {
          // Chunks stay far below PostgreSQL's limit of bound parameters per statement.
          for (let i = 0; i < all.length; i += CHUNK) {
            await trx('channel_cursors')
              .insert(all.slice(i, i + CHUNK))
              .onConflict(['connector', 'workspace', 'channel', 'thread'])
              .merge(['cursor', 'updated_at']);
          }
        });
      },
    };
  }
}
