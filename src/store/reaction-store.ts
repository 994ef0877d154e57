import type { Knex } from 'knex';
import { num } from './database.js';

export interface Reaction {
  id: number;
  messageId: number;
  key: string;
  originSide: string;
  sender: string;
  matrixEventId: string | null;
}

type Row = {
  id: unknown;
  message_id: unknown;
  key: string;
  origin_side: string;
  sender: string;
  matrix_event_id: string | null;
};

const toReaction = (r: Row): Reaction => ({
  id: num(r.id),
  messageId: num(r.message_id),
  key: r.key,
  originSide: r.origin_side,
  sender: r.sender,
  matrixEventId: r.matrix_event_id,
});

/**
 * Reactions by origin. A platform where the bridge reacts as one bot account shows a
 * key while any reaction with that key exists from another side (see `presentFromOtherSides`).
 */
export class ReactionStore {
  constructor(private readonly db: Knex) {}

  async add(r: Omit<Reaction, 'id'>): Promise<boolean> {
    const inserted = await this.db('reactions')
      .insert({
        message_id: r.messageId,
        key: r.key,
        origin_side: r.originSide,
        sender: r.sender,
        matrix_event_id: r.matrixEventId,
        created_at: Date.now(),
      })
      .onConflict(['message_id', 'key', 'origin_side', 'sender'])
      .ignore()
      .returning('id');
    return inserted.length > 0;
  }

  async setMatrixEvent(id: number, eventId: string): Promise<void> {
    await this.db('reactions').where({ id }).update({ matrix_event_id: eventId });
  }

  async byMatrixEvent(eventId: string): Promise<Reaction | undefined> {
    const row = await this.db('reactions').where({ matrix_event_id: eventId }).first();
    return row ? toReaction(row) : undefined;
  }

  async find(
    messageId: number,
    key: string,
    originSide: string,
    sender: string,
  ): Promise<Reaction | undefined> {
    const row = await this.db('reactions')
      .where({ message_id: messageId, key, origin_side: originSide, sender })
      .first();
    return row ? toReaction(row) : undefined;
  }

  async remove(id: number): Promise<void> {
    await this.db('reactions').where({ id }).delete();
  }

  /** Whether any reaction with `key` on the message comes from a side other than `side`. */
  async presentFromOtherSides(messageId: number, key: string, side: string): Promise<boolean> {
    const row = await this.db('reactions')
      .where({ message_id: messageId, key })
      .whereNot({ origin_side: side })
      .first('id');
    return row !== undefined;
  }
}
