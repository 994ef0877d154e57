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
  /** Targets an earlier attempt already delivered to (skipped on this one). */
  delivered: string[];
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
  delivered?: unknown;
}

const toItem = (r: InboxRow): InboxItem => ({
  id: num(r.id),
  source: r.source,
  eventKey: r.event_key,
  portalId: num(r.portal_id),
  payload: parseJson<unknown>(r.payload),
  attempts: num(r.attempts),
  nextAttemptAt: num(r.next_attempt_at),
  delivered: parseJson<string[] | null>(r.delivered) ?? [],
});

function parseJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** Targets recorded with an item's outcome, in the same statement as the outcome. */
const DELIVERIES_CTE = `WITH recorded AS (
  INSERT INTO inbox_deliveries (inbox_id, target)
  SELECT ?, t FROM jsonb_array_elements_text(?::jsonb) AS t
  ON CONFLICT (inbox_id, target) DO NOTHING
) `;

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
    // One statement is atomic by itself; an explicit transaction would add two round trips.
    const inserted: Array<{ portal_id: unknown }> = await this.db('inbox')
      .insert(rows)
      .onConflict(['source', 'event_key'])
      .ignore()
      .returning(['portal_id']);
    return [...new Set(inserted.map((r) => num(r.portal_id)))];
  }

  /**
   * Up to `limit` of a portal's oldest pending items, in order, each with the targets an
   * earlier attempt delivered to (one query for the lot).
   */
  async pendingBatch(portalId: number, limit: number): Promise<InboxItem[]> {
    const rows = await this.db('inbox as i')
      .where({ 'i.portal_id': portalId, 'i.status': 'pending' })
      .orderBy('i.id')
      .limit(limit)
      .select(
        'i.*',
        this.db.raw(
          '(SELECT json_agg(d.target) FROM inbox_deliveries d WHERE d.inbox_id = i.id) AS delivered',
        ),
      );
    return (rows as InboxRow[]).map(toItem);
  }

  /** Which of `eventKeys` from `source` the inbox holds, whatever their status. */
  async recorded(source: string, eventKeys: string[]): Promise<Set<string>> {
    if (eventKeys.length === 0) return new Set();
    const rows: Array<{ event_key: string }> = await this.db('inbox')
      .where({ source })
      .whereIn('event_key', eventKeys)
      .select('event_key');
    return new Set(rows.map((r) => r.event_key));
  }

  /** The oldest pending item of a portal; later items wait behind it to keep order. */
  async nextPending(portalId: number, now = Date.now()): Promise<NextPending> {
    const [item] = await this.pendingBatch(portalId, 1);
    if (!item) return { state: 'empty' };
    if (item.nextAttemptAt > now) return { state: 'waiting', until: item.nextAttemptAt };
    return { state: 'ready', item };
  }

  async portalsWithPending(): Promise<number[]> {
    const rows = await this.db('inbox').where({ status: 'pending' }).distinct('portal_id');
    return rows.map((r: { portal_id: unknown }) => num(r.portal_id));
  }

  /** Done; `delivered` are targets reached on this attempt and not yet recorded. */
  async markDone(id: number, delivered: string[] = []): Promise<void> {
    await this.finish(
      id,
      delivered,
      "status = 'done', payload = NULL, finished_at = ?, last_error = NULL",
      [Date.now()],
    );
  }

  /**
   * Dead letter: its ids, reason and time are kept for operators until retention prunes it;
   * the message it carried is dropped (data minimisation, docs/admin.md "Data kept").
   */
  async markFailed(id: number, error: string, delivered: string[] = []): Promise<void> {
    await this.finish(
      id,
      delivered,
      "status = 'failed', payload = NULL, last_error = ?, finished_at = ?",
      [error, Date.now()],
    );
  }

  async scheduleRetry(
    id: number,
    attempts: number,
    nextAttemptAt: number,
    error: string,
    delivered: string[] = [],
  ): Promise<void> {
    await this.finish(id, delivered, 'attempts = ?, next_attempt_at = ?, last_error = ?', [
      attempts,
      Math.ceil(nextAttemptAt),
      error,
    ]);
  }

  /** Writes an attempt's outcome and its deliveries in one statement (one round trip). */
  private async finish(
    id: number,
    delivered: string[],
    assignments: string,
    values: unknown[],
  ): Promise<void> {
    const update = `UPDATE inbox SET ${assignments} WHERE id = ?`;
    if (delivered.length === 0) {
      await this.db.raw(update, [...values, id] as Knex.RawBinding[]);
      return;
    }
    await this.db.raw(DELIVERIES_CTE + update, [
      id,
      JSON.stringify(delivered),
      ...values,
      id,
    ] as Knex.RawBinding[]);
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

  /**
   * Drops entries delivered before `before` and entries failed for good before `failedBefore`
   * (ms; their keys stop de-duplicating then). Resolves to how many.
   */
  async prune(before: number, failedBefore = before): Promise<number> {
    const removed = await this.db('inbox')
      .where((q) =>
        q
          .where({ status: 'done' })
          .andWhere('finished_at', '<', before)
          .orWhere((failed) =>
            failed.where({ status: 'failed' }).andWhere('finished_at', '<', failedBefore),
          ),
      )
      .delete()
      .returning('id');
    return removed.length;
  }
}
