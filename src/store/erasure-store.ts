/**
 * Deletes what the bridge's tables hold about one person (erasure, docs/data-protection.md).
 * Every match is exact: ids are compared with `=`, or found with `strpos` (a literal
 * substring search) and then checked to stand alone, never with LIKE, so an id holding `%`
 * or `_` matches only itself. Runs in one transaction: all or nothing.
 */
import type { Knex } from 'knex';
import { namesId, replaceId } from './erasure-match.js';

/** A platform user: their ghost, and the ids a platform may name them by. */
export interface PlatformErasure {
  connector: string;
  workspace: string;
  /** The platform's user id, then any other name it uses for them (a handle). */
  remoteIds: string[];
  ghostId: string;
  /** Stands in for the person where a record must stay (audit log). */
  pseudonym: string;
}

export interface MatrixErasure {
  userId: string;
  pseudonym: string;
}

/** Rows removed or rewritten, by `table` or `table (what)`; zero counts are left out. */
export type ErasureCounts = Record<string, number>;

const ERASED_ERROR = 'erased: it named a person whose data was erased';

export class ErasureStore {
  constructor(private readonly db: Knex) {}

  /** The Matrix events a ghost sent for bridged messages, for redaction before erasure. */
  async ghostEvents(ghostId: string): Promise<Array<{ roomId: string; eventId: string }>> {
    const rows = (await this.db('messages as m')
      .join('message_parts as p', 'p.message_id', 'm.id')
      .join('portals as r', 'r.id', 'm.portal_id')
      .where({ 'm.matrix_sender': ghostId, 'p.side': 'matrix' })
      .select('r.room_id', 'p.native_id')) as Array<{ room_id: string; native_id: string }>;
    return rows.map((r) => ({ roomId: r.room_id, eventId: r.native_id }));
  }

  async erasePlatformUser(s: PlatformErasure): Promise<ErasureCounts> {
    return this.db.transaction(async (trx) => {
      const counts: ErasureCounts = {};
      const add = (name: string, n: number) => n > 0 && (counts[name] = (counts[name] ?? 0) + n);
      const scope = `${s.connector}/${s.workspace}/`;
      add(
        'reactions',
        await trx('reactions')
          .whereIn('sender', s.remoteIds)
          .andWhereRaw('starts_with(origin_side, ?)', [scope])
          .delete('*')
          .then(rowCount),
      );
      add('messages', await deleteMessagesBy(trx, s.ghostId));
      add(
        'reaction_snapshots',
        await trx('reaction_snapshots')
          .where({ connector: s.connector, workspace: s.workspace })
          .whereIn('sender', s.remoteIds)
          .delete('*')
          .then(rowCount),
      );
      add(
        'ghosts',
        await trx('ghosts')
          .where({ user_id: s.ghostId })
          .orWhere((q) =>
            q
              .where({ connector: s.connector, workspace: s.workspace })
              .whereIn('remote_user_id', s.remoteIds),
          )
          .delete('*')
          .then(rowCount),
      );
      await eraseRemoteInbox(trx, s, add);
      await eraseNamedInbox(trx, [s.ghostId], undefined, add);
      await eraseNamedInbox(trx, s.remoteIds, portalsOf(trx, s), add);
      await eraseConnectorKv(trx, s.ghostId, undefined, add);
      for (const id of s.remoteIds) await eraseConnectorKv(trx, id, s, add);
      await eraseCursors(trx, s, add);
      await pseudonymise(trx, s.ghostId, s.pseudonym, add);
      return counts;
    });
  }

  async eraseMatrixUser(s: MatrixErasure): Promise<ErasureCounts> {
    return this.db.transaction(async (trx) => {
      const counts: ErasureCounts = {};
      const add = (name: string, n: number) => n > 0 && (counts[name] = (counts[name] ?? 0) + n);
      add(
        'reactions',
        await trx('reactions')
          .where({ origin_side: 'matrix', sender: s.userId })
          .delete('*')
          .then(rowCount),
      );
      add('messages', await deleteMessagesBy(trx, s.userId));
      add(
        'inbox (pending payloads)',
        await trx('inbox')
          .whereRaw(`payload->>'kind' = 'matrix' and payload->'event'->>'sender' = ?`, [s.userId])
          .delete('*')
          .then(rowCount),
      );
      await eraseNamedInbox(trx, [s.userId], undefined, add);
      await eraseConnectorKv(trx, s.userId, undefined, add);
      add(
        'admin_rooms',
        await trx('admin_rooms').where({ user_id: s.userId }).delete('*').then(rowCount),
      );
      add(
        'encrypted_reminders',
        await trx('encrypted_reminders').where({ user_id: s.userId }).delete('*').then(rowCount),
      );
      await pseudonymise(trx, s.userId, s.pseudonym, add);
      return counts;
    });
  }
}

type Add = (name: string, n: number) => void;

/** Affected rows, from `returning`: the one count both backends report alike. */
const rowCount = (rows: unknown): number => (Array.isArray(rows) ? rows.length : 0);

/** Their messages in the message map; parts and reactions go with them (ON DELETE CASCADE). */
async function deleteMessagesBy(trx: Knex.Transaction, matrixSender: string): Promise<number> {
  return trx('messages').where({ matrix_sender: matrixSender }).delete('*').then(rowCount);
}

/** Events of theirs that came from the platform and are still waiting, or were processed. */
async function eraseRemoteInbox(trx: Knex.Transaction, s: PlatformErasure, add: Add) {
  add(
    'inbox (pending payloads)',
    await trx('inbox')
      .where({ source: `remote:${s.connector}` })
      .whereRaw(
        `payload->>'connector' = ? and payload->'event'->>'workspace' = ? and payload->'event'->'sender'->>'userId' = any(?)`,
        [s.connector, s.workspace, s.remoteIds],
      )
      .delete('*')
      .then(rowCount),
  );
  // Processed rows keep only their event key, which for some platforms' reactions names
  // the person who reacted: the key goes too (a replay of it is then bridged again).
  const keyed = (await trx('inbox')
    .where({ source: `remote:${s.connector}` })
    .whereIn('portal_id', portalsOf(trx, s))
    .whereNull('payload')
    .andWhere((q) => {
      for (const id of s.remoteIds) q.orWhereRaw('strpos(event_key, ?) > 0', [id]);
    })
    .select('id', 'event_key')) as Array<{ id: unknown; event_key: string }>;
  const ids = keyed.filter((r) => s.remoteIds.some((id) => namesId(r.event_key, id)));
  if (ids.length > 0) {
    add(
      'inbox (processed keys)',
      await trx('inbox')
        .whereIn(
          'id',
          ids.map((r) => r.id as number),
        )
        .delete('*')
        .then(rowCount),
    );
  }
}

/** Portals linked with a channel of the person's workspace. */
const portalsOf = (trx: Knex.Transaction, s: PlatformErasure): Knex.QueryBuilder =>
  trx('portal_links').where({ connector: s.connector, workspace: s.workspace }).select('portal_id');

/**
 * Someone else's waiting event that names them (a mention, a reply quote) is not delivered:
 * its payload is cleared and it is marked failed, so the failure listing shows it.
 */
async function eraseNamedInbox(
  trx: Knex.Transaction,
  ids: string[],
  portals: Knex.QueryBuilder | undefined,
  add: Add,
) {
  const query = trx('inbox');
  // A platform id means this person only in the portals of their workspace.
  if (portals) query.whereIn('portal_id', portals);
  const rows = (await query
    .where((q) => {
      for (const id of ids) {
        q.orWhereRaw('strpos(payload::text, ?) > 0', [id]);
        q.orWhereRaw('strpos(last_error, ?) > 0', [id]);
      }
    })
    .select('id', 'payload', 'last_error')) as Array<{
    id: unknown;
    payload: unknown;
    last_error: string | null;
  }>;
  const named = rows.filter((r) =>
    ids.some((id) => namesId(JSON.stringify(r.payload ?? null), id) || namesId(r.last_error, id)),
  );
  if (named.length === 0) return;
  add(
    'inbox (others’ events naming them, failed)',
    await trx('inbox')
      .whereIn(
        'id',
        named.map((r) => r.id as number),
      )
      .update({ payload: null, status: 'failed', last_error: ERASED_ERROR }, '*')
      .then(rowCount),
  );
}

/**
 * Connector storage entries whose key or value names the person. For a platform user only
 * their connector's entries of their workspace count (keys name their workspace), so the
 * same id in another workspace is someone else and stays.
 */
async function eraseConnectorKv(
  trx: Knex.Transaction,
  id: string,
  scope: { connector: string; workspace: string } | undefined,
  add: Add,
) {
  const query = trx('connector_kv').where((q) =>
    q.whereRaw('strpos(key, ?) > 0', [id]).orWhereRaw('strpos(value, ?) > 0', [id]),
  );
  if (scope) query.andWhere({ connector: scope.connector });
  const rows = (await query.select('connector', 'key', 'value')) as Array<{
    connector: string;
    key: string;
    value: string;
  }>;
  const named = rows.filter(
    (r) =>
      (namesId(r.key, id) || namesId(r.value, id)) && (!scope || namesId(r.key, scope.workspace)),
  );
  let n = 0;
  for (const r of named)
    n += await trx('connector_kv')
      .where({ connector: r.connector, key: r.key })
      .delete('*')
      .then(rowCount);
  add('connector_kv', n);
}

/** A catch-up position never names a person on today's platforms; one that does is dropped. */
async function eraseCursors(trx: Knex.Transaction, s: PlatformErasure, add: Add) {
  const rows = (await trx('channel_cursors')
    .where({ connector: s.connector, workspace: s.workspace })
    .select('channel', 'thread', 'cursor')) as Array<Record<string, string>>;
  let n = 0;
  for (const r of rows) {
    if (!s.remoteIds.some((id) => namesId(r.thread, id) || namesId(r.cursor, id))) continue;
    n += await trx('channel_cursors')
      .where({
        connector: s.connector,
        workspace: s.workspace,
        channel: r.channel,
        thread: r.thread,
      })
      .delete('*')
      .then(rowCount);
  }
  add('channel_cursors', n);
}

/** Columns that keep a record for others (who linked, who acted) but must not say who. */
const PSEUDONYMISED: Array<[table: string, key: string, column: string]> = [
  ['audit_log', 'id', 'actor'],
  ['audit_log', 'id', 'detail'],
  ['portal_links', 'id', 'created_by'],
  ['portal_links', 'id', 'retired_by'],
  ['portal_encryption', 'portal_id', 'sender'],
];

async function pseudonymise(trx: Knex.Transaction, id: string, pseudonym: string, add: Add) {
  for (const [table, key, column] of PSEUDONYMISED) {
    const rows = (await trx(table)
      .whereRaw('strpos(??, ?) > 0', [column, id])
      .select(`${key} as key`, `${column} as value`)) as Array<{ key: unknown; value: string }>;
    let n = 0;
    for (const row of rows) {
      const next = replaceId(row.value, id, pseudonym);
      if (next === row.value) continue;
      n += await trx(table)
        .where(key, row.key as number)
        .update({ [column]: next }, '*')
        .then(rowCount);
    }
    add(`${table} (pseudonymised)`, n);
  }
}
