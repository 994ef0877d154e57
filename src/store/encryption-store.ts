import type { Knex } from 'knex';
import { num } from './database.js';

/** A portal whose room turned end-to-end encrypted, and the event that showed it. */
export interface EncryptionMark {
  portalId: number;
  eventId: string;
  sender: string;
  algorithm: string;
  at: number;
}

interface MarkRow {
  portal_id: unknown;
  event_id: string;
  sender: string;
  algorithm: string;
  at: unknown;
}

const toMark = (r: MarkRow): EncryptionMark => ({
  portalId: num(r.portal_id),
  eventId: r.event_id,
  sender: r.sender,
  algorithm: r.algorithm,
  at: num(r.at),
});

/**
 * Which portals are encrypted (tables of migration 003). The first event to mark a portal
 * wins and is kept, so its notices are sent for that event only, however often it or a
 * later encryption event is seen again.
 */
export class EncryptionStore {
  constructor(private readonly db: Knex) {}

  /** Marks the portal encrypted unless it already is; returns the mark that holds. */
  async mark(mark: EncryptionMark): Promise<EncryptionMark> {
    await this.db('portal_encryption')
      .insert({
        portal_id: mark.portalId,
        event_id: mark.eventId,
        sender: mark.sender,
        algorithm: mark.algorithm,
        at: mark.at,
      })
      .onConflict('portal_id')
      .ignore();
    const held = await this.forPortal(mark.portalId);
    if (!held) throw new Error(`encryption mark of portal ${mark.portalId} vanished`);
    return held;
  }

  async forPortal(portalId: number): Promise<EncryptionMark | undefined> {
    const row = (await this.db('portal_encryption').where({ portal_id: portalId }).first()) as
      MarkRow | undefined;
    return row ? toMark(row) : undefined;
  }

  /** Every mark, by portal id (portals are few enough to list at once). */
  async all(): Promise<Map<number, EncryptionMark>> {
    const rows = (await this.db('portal_encryption')) as MarkRow[];
    return new Map(rows.map((r) => [num(r.portal_id), toMark(r)]));
  }

  /**
   * Claims the right to remind `userId` about encrypted messages in a portal: true when they
   * had no reminder since `now - periodMs`, or when `eventId` is the event that claimed the
   * last one (a retried delivery of the same reminder).
   */
  async claimReminder(
    portalId: number,
    userId: string,
    eventId: string,
    now: number,
    periodMs: number,
  ): Promise<boolean> {
    const rows = (await this.db('encrypted_reminders')
      .insert({ portal_id: portalId, user_id: userId, event_id: eventId, at: now })
      .onConflict(['portal_id', 'user_id'])
      .merge(['event_id', 'at'])
      .whereRaw('encrypted_reminders.at <= ? or encrypted_reminders.event_id = ?', [
        now - periodMs,
        eventId,
      ])
      .returning('portal_id')) as unknown[];
    return rows.length > 0;
  }
}
