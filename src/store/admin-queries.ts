import type { Knex } from 'knex';
import { num } from './database.js';

export interface DeliveryFailure {
  id: number;
  roomId: string | null;
  /** `matrix` or `remote:{connector}`. */
  source: string;
  eventKey: string;
  error: string | null;
  attempts: number;
  at: number;
}

/** Read-only questions operators ask of the bridge's state. */
export class AdminQueries {
  constructor(private readonly db: Knex) {}

  /** Dead-lettered deliveries, newest first, with the room they belong to. */
  async recentFailures(limit: number): Promise<DeliveryFailure[]> {
    const rows = (await this.db('inbox')
      .leftJoin('portals', 'portals.id', 'inbox.portal_id')
      .where('inbox.status', 'failed')
      .orderBy('inbox.id', 'desc')
      .limit(limit)
      .select(
        'inbox.id',
        'portals.room_id',
        'inbox.source',
        'inbox.event_key',
        'inbox.last_error',
        'inbox.attempts',
        'inbox.finished_at',
      )) as Array<{
      id: unknown;
      room_id: string | null;
      source: string;
      event_key: string;
      last_error: string | null;
      attempts: unknown;
      finished_at: unknown;
    }>;
    return rows.map((r) => ({
      id: num(r.id),
      roomId: r.room_id,
      source: r.source,
      eventKey: r.event_key,
      error: r.last_error,
      attempts: num(r.attempts),
      at: num(r.finished_at),
    }));
  }

  /** Inbox items waiting for delivery (the queue depth), per source. */
  async pendingBySource(): Promise<Array<{ source: string; count: number }>> {
    const rows = (await this.db('inbox')
      .where({ status: 'pending' })
      .groupBy('source')
      .select('source')
      .count({ count: '*' })) as Array<{ source: string; count: unknown }>;
    return rows.map((r) => ({ source: r.source, count: num(r.count) }));
  }

  /** Throws when the database does not answer. */
  async ping(): Promise<void> {
    await this.db.raw('select 1');
  }
}
