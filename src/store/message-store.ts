import type { Knex } from 'knex';
import { num, rawRows } from './database.js';

/** The Matrix side of every portal. Remote sides are 'connector/workspace/channel'. */
export const MATRIX_SIDE = 'matrix';

export interface MessagePart {
  side: string;
  nativeId: string;
  part: number;
}

export interface MappedMessage {
  messageId: number;
  portalId: number;
  originSide: string;
  matrixSender: string | null;
}

/**
 * The message map: one logical message and its native ids on each side. Only ids are
 * stored, never content.
 */
export class MessageStore {
  constructor(private readonly db: Knex) {}

  /** The message and its first parts, in one statement (one round trip, atomic). */
  async create(
    portalId: number,
    originSide: string,
    matrixSender: string | null,
    parts: MessagePart[],
  ): Promise<number> {
    const message =
      'INSERT INTO messages (portal_id, origin_side, matrix_sender, created_at) VALUES (?, ?, ?, ?) RETURNING id';
    const head: Knex.RawBinding[] = [portalId, originSide, matrixSender, Date.now()];
    if (parts.length === 0) {
      const [row] = rawRows<{ id: unknown }>(await this.db.raw(message, head));
      return num(row?.id);
    }
    const values = parts.map(() => '(?::text, ?::text, ?::integer)').join(', ');
    const sql = `WITH m AS (${message}),
      p AS (
        INSERT INTO message_parts (message_id, side, native_id, part)
        SELECT m.id, v.side, v.native_id, v.part FROM m, (VALUES ${values}) AS v (side, native_id, part)
        ON CONFLICT (side, native_id) DO NOTHING
      )
      SELECT id FROM m`;
    const bindings = [...head, ...parts.flatMap((p) => [p.side, p.nativeId, p.part])];
    const [row] = rawRows<{ id: unknown }>(await this.db.raw(sql, bindings));
    return num(row?.id);
  }

  async addParts(messageId: number, parts: MessagePart[]): Promise<void> {
    await insertParts(this.db, messageId, parts);
  }

  async find(side: string, nativeId: string): Promise<MappedMessage | undefined> {
    const row = await this.db('message_parts as p')
      .join('messages as m', 'm.id', 'p.message_id')
      .where({ 'p.side': side, 'p.native_id': nativeId })
      .first('m.id', 'm.portal_id', 'm.origin_side', 'm.matrix_sender');
    return row
      ? {
          messageId: num(row.id),
          portalId: num(row.portal_id),
          originSide: row.origin_side,
          matrixSender: row.matrix_sender,
        }
      : undefined;
  }

  async parts(messageId: number): Promise<MessagePart[]> {
    const rows = await this.db('message_parts')
      .where({ message_id: messageId })
      .orderBy(['side', 'part']);
    return rows.map((r: { side: string; native_id: string; part: unknown }) => ({
      side: r.side,
      nativeId: r.native_id,
      part: num(r.part),
    }));
  }

  /** The native ids of a logical message on one side, in part order. */
  async idsOn(messageId: number, side: string): Promise<string[]> {
    return (await this.parts(messageId)).filter((p) => p.side === side).map((p) => p.nativeId);
  }

  async delete(messageId: number): Promise<void> {
    await this.db('messages').where({ id: messageId }).delete();
  }

  async prune(before: number): Promise<number> {
    // Row counts from delete() differ between drivers; count the returned ids.
    return (await this.db('messages').where('created_at', '<', before).delete().returning('id'))
      .length;
  }
}

async function insertParts(
  db: Knex | Knex.Transaction,
  messageId: number,
  parts: MessagePart[],
): Promise<void> {
  if (parts.length === 0) return;
  await db('message_parts')
    .insert(
      parts.map((p) => ({
        message_id: messageId,
        side: p.side,
        native_id: p.nativeId,
        part: p.part,
      })),
    )
    .onConflict(['side', 'native_id'])
    .ignore();
}
