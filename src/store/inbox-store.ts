import type { Knex } from 'knex';
import { num } from './database.js';

export interface InboxEntry {
  source: string;
  eventKey: string;
  portalId: number;
  payload: unknown;
}

export interface InboxItem {
  id: number;
  source: string;
  eventKey: string;
  portalId: number;
  payload: unknown;
  attempts: number;
  nextAttemptAt: number;
}

export type NextPending =
  { state: 'ready'; item: InboxItem } | { state: 'waiting'; until: number } | { state: 'empty' };

interface InboxRow {
  id: unknown;
  source: string;
  event_key: string;
  portal_id: unknown;
  payload: unknown;
  attempts: unknown;
  next_attempt_at: unknown;
}

const toItem = (r: InboxRow): InboxItem => ({
  id: num(r.id),
  source: r.source,
  eventKey: r.event_key,
  portalId: num(r.portal_id),
  payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
  attempts: num(r.attempts),
  nextAttemptAt: num(r.next_attempt_at),
});

/**
 * The durable queue between intake and delivery. Events are keyed by (source, event_key):
 * recording one twice is a no-op, which is what de-duplicates replays.
 */
export class InboxStore {
  constructor(private readonly db: Knex) {}

  /** Records entries atomically; returns the portal ids that got new work. */
  async record(entries: InboxEntry[]): Promise<number[]> {
    if (entries.length === 0) return [];
    const now = Date.now();
    const rows = entries.map((e) => ({
      source: e.source,
      event_key: e.eventKey,
      portal_id: e.portalId,
      payload: JSON.stringify(e.payload),
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
    }));
    const inserted: Array<{ portal_id: unknown }> = await this.db.transaction((trx) =>
      trx('inbox')
        .insert(rows)
        .onConflict(['source', 'event_key'])
        .ignore()
        .returning(['portal_id']),
    );
    return [...new Set(inserted.map((r) => num(r.portal_id)))];
  }

  /** The oldest pending item of a portal; later items wait behind it to keep order. */
  async nextPending(portalId: number, now = Date.now()): Promise<NextPending> {
    const row: InboxRow | undefined = await this.db('inbox')
      .where({ portal_id: portalId, status: 'pending' })
      .orderBy('id')
      .first();
    if (!row) return { state: 'empty' };
    const item = toItem(row);
    if (item.nextAttemptAt > now) return { state: 'waiting', until: item.nextAttemptAt };
    return { state: 'ready', item };
  }

  async portalsWithPending(): Promise<number[]> {
    const rows = await this.db('inbox').where({ status: 'pending' }).distinct('portal_id');
    return rows.map((r: { portal_id: unknown }) => num(r.portal_id));
  }

  async markDone(id: number): Promise<void> {
    await this.db('inbox')
      .where({ id })
      .update({ status: 'done', payload: null, finished_at: Date.now(), last_error: null });
  }

  /** Dead letter: kept (with its payload) for operators until retention prunes it. */
  async markFailed(id: number, error: string): Promise<void> {
    await this.db('inbox')
      .where({ id })
      .update({ status: 'failed', last_error: error, finished_at: Date.now() });
  }

  async scheduleRetry(
    id: number,
    attempts: number,
    nextAttemptAt: number,
    error: string,
  ): Promise<void> {
    await this.db('inbox')
      .where({ id })
      .update({ attempts, next_attempt_at: Math.ceil(nextAttemptAt), last_error: error });
  }

  async recordDelivery(inboxId: number, target: string): Promise<void> {
    await this.db('inbox_deliveries')
      .insert({ inbox_id: inboxId, target })
      .onConflict(['inbox_id', 'target'])
      .ignore();
  }

  async deliveredTargets(inboxId: number): Promise<Set<string>> {
    const rows = await this.db('inbox_deliveries').where({ inbox_id: inboxId }).select('target');
    return new Set(rows.map((r: { target: string }) => r.target));
  }

  async failures(
    limit = 50,
  ): Promise<
    Array<{ id: number; source: string; eventKey: string; error: string | null; at: number }>
  > {
    const rows = await this.db('inbox')
      .where({ status: 'failed' })
      .orderBy('id', 'desc')
      .limit(limit);
    return rows.map((r: InboxRow & { last_error: string | null; finished_at: unknown }) => ({
      id: num(r.id),
      source: r.source,
      eventKey: r.event_key,
      error: r.last_error,
      at: num(r.finished_at),
    }));
  }

  /** Drops finished entries older than `before` (their keys stop de-duplicating then). */
  async prune(before: number): Promise<number> {
    const removed = await this.db('inbox')
      .whereIn('status', ['done', 'failed'])
      .where('finished_at', '<', before)
      .delete()
      .returning('id');
    return removed.length;
  }
}
